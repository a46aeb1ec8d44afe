using System.Text.Json.Serialization;

namespace Samverkan.SchoolSync.Ss12000;

// The parts of the SS 12000 v2.1 schemas (/work/shared/ss12000/openapi_ss12000_version2_1_0.yaml) the connector reads.
// Every property is nullable here; Ss12000Validation decides whether a page is whole (the schema's required fields).

/// <summary>A list response: <c>{ data: [...], pageToken }</c>.</summary>
public sealed record Ss12000Page<T>(
    [property: JsonPropertyName("data")] IReadOnlyList<T?>? Data,
    [property: JsonPropertyName("pageToken")] string? PageToken);

public sealed record Ss12000Meta(DateTimeOffset? Created, DateTimeOffset? Modified);

public sealed record Ss12000Reference(string? Id, string? DisplayName, string? SecurityMarking = null);

public sealed record Ss12000Organisation(
    string? Id,
    Ss12000Meta? Meta,
    string? DisplayName,
    string? OrganisationType,
    string? SchoolUnitCode,
    IReadOnlyList<string>? SchoolTypes,
    string? MunicipalityCode,
    DateOnly? StartDate,
    DateOnly? EndDate);

/// <summary>The civic number: only ever handed to the key derivation, never stored, logged or printed.</summary>
public sealed record Ss12000CivicNo(string? Value, string? Nationality)
{
    public override string ToString() => "CivicNo(redacted)";
}

public sealed record Ss12000Enrolment(
    Ss12000Reference? EnroledAt,
    int? SchoolYear,
    string? SchoolType,
    DateOnly? StartDate,
    DateOnly? EndDate,
    bool? Cancelled);

/// <summary>A person; <c>givenName</c> and <c>familyName</c> are required by the schema and deliberately not read.</summary>
public sealed record Ss12000Person(
    string? Id,
    Ss12000Meta? Meta,
    Ss12000CivicNo? CivicNo,
    string? SecurityMarking,
    string? PersonStatus,
    IReadOnlyList<Ss12000Enrolment>? Enrolments,
    [property: JsonPropertyName("givenName")] string? GivenName = null,
    [property: JsonPropertyName("familyName")] string? FamilyName = null)
{
    // Names are in the schema and on the wire; they are never kept (pupil names are a later step).
    public override string ToString() => $"Person {Id}";
}

public sealed record Ss12000Placement(
    string? Id,
    Ss12000Meta? Meta,
    Ss12000Reference? PlacedAt,
    Ss12000Reference? Child,
    string? SchoolType,
    DateOnly? StartDate,
    DateOnly? EndDate);

public sealed record Ss12000AssignmentRole(Ss12000Reference? Group, string? AssignmentRoleType, DateOnly? StartDate, DateOnly? EndDate);

public sealed record Ss12000Duty(
    string? Id,
    Ss12000Meta? Meta,
    Ss12000Reference? Person,
    IReadOnlyList<Ss12000AssignmentRole>? AssignmentRole,
    Ss12000Reference? DutyAt,
    string? DutyRole,
    string? Signature,
    DateOnly? StartDate,
    DateOnly? EndDate);

public sealed record Ss12000GroupMembership(Ss12000Reference? Person, DateOnly? StartDate, DateOnly? EndDate);

public sealed record Ss12000Group(
    string? Id,
    Ss12000Meta? Meta,
    string? DisplayName,
    string? GroupType,
    Ss12000Reference? Organisation,
    DateOnly? StartDate,
    DateOnly? EndDate,
    IReadOnlyList<Ss12000GroupMembership>? GroupMemberships);

public sealed record Ss12000Attendance(
    string? Id,
    Ss12000Meta? Meta,
    Ss12000Reference? CalendarEvent,
    Ss12000Reference? Student,
    bool? IsReported,
    int? AttendanceMinutes,
    int? ValidAbsenceMinutes,
    int? InvalidAbsenceMinutes,
    int? OtherAttendanceMinutes,
    DateTimeOffset? ReportedTimestamp);

public sealed record Ss12000CalendarEvent(
    string? Id,
    Ss12000Meta? Meta,
    Ss12000Reference? Activity,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    bool? Cancelled,
    int? TeachingLengthStudent);

/// <summary><c>/deletedEntities</c>: the ids removed per entity kind (the schema's <c>DeletedEntities_data</c>).</summary>
public sealed record Ss12000DeletedEntities(
    IReadOnlyList<string>? Attendances,
    IReadOnlyList<string>? Duties,
    IReadOnlyList<string>? Placements,
    IReadOnlyList<string>? Groups,
    IReadOnlyList<string>? Persons,
    IReadOnlyList<string>? Organisations);

public sealed record Ss12000DeletedPage(
    [property: JsonPropertyName("data")] Ss12000DeletedEntities? Data,
    [property: JsonPropertyName("pageToken")] string? PageToken);

/// <summary>The schema's enumeration values the mapping uses.</summary>
public static class Ss12000Codes
{
    public const string SchoolUnit = "Skolenhet";
    public const string ProtectedRegistration = "Skyddad folkbokföring";
    public const string ConfidentialityMarking = "Sekretessmarkering";
    public const string StudentHealthStaff = "Elevhälsopersonal";
    public const string Mentor = "Mentor";
}
