using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Concerns;

/// <summary>
/// Who reported a concern: a staff member, or a reference into the reporting system. Kept apart from the
/// concern itself (<see cref="ConcernReporter"/>) and shown to social services only (reporter protection).
/// </summary>
public sealed record ReporterIdentity(StaffId? Staff, string? ExternalReference = null);

/// <summary>The reporter of one concern, stored separately from the concern.</summary>
public sealed record ConcernReporter(ConcernId Concern, ReporterIdentity Reporter);
