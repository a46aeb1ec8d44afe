using Npgsql;
using NpgsqlTypes;
using Samverkan.Actors.Projections;

namespace Samverkan.Coordination.Projections;

// The SQL behind the coordination read models (schema: Migrations/0001_coordination.sql). Each projector runs in
// the transaction of the batch whose actors emitted the rows, in the order they were emitted.

public sealed class MunicipalityProjector : Projector<MunicipalityRow>
{
    protected override void Write(IReadOnlyList<MunicipalityRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var state = row.State;
            writer.Add(
                """
                insert into coord_municipalities (code, name, region_code, rules_version, doc, version, updated_at)
                values ($1, $2, $3, $4, $5, $6, now())
                on conflict (code) do update set name = excluded.name, region_code = excluded.region_code,
                    rules_version = excluded.rules_version, doc = excluded.doc, version = excluded.version, updated_at = now()
                 where coord_municipalities.version <= excluded.version
                """,
                state.Municipality.Code.Value, state.Municipality.Name, state.Municipality.RegionCode, state.Rules.Version.Number,
                Projection.Jsonb(CoordinationJson.Serialize(state)), row.Version);
        }
    }
}

public sealed class SchoolProjector : Projector<SchoolRow>
{
    protected override void Write(IReadOnlyList<SchoolRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var school = row.School;
            writer.Add(
                """
                insert into coord_schools (school_id, municipality, name, organisation, doc, version, updated_at)
                values ($1, $2, $3, $4, $5, $6, now())
                on conflict (school_id) do update set municipality = excluded.municipality, name = excluded.name,
                    organisation = excluded.organisation, doc = excluded.doc, version = excluded.version, updated_at = now()
                 where coord_schools.version <= excluded.version
                """,
                school.Id.Value, school.Municipality.Value, school.Name, school.Organisation.Value, Projection.Jsonb(CoordinationJson.Serialize(school)),
                row.Version);
        }
    }
}

public sealed class TeamProjector : Projector<TeamRow>
{
    protected override void Write(IReadOnlyList<TeamRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var team = row.Team;
            writer.Add(
                """
                insert into coord_teams (team_id, municipality, agency, organisation, members, doc, updated_at)
                values ($1, $2, $3, $4, $5, $6, now())
                on conflict (team_id) do update set municipality = excluded.municipality, agency = excluded.agency,
                    organisation = excluded.organisation, members = excluded.members, doc = excluded.doc, updated_at = now()
                """,
                team.Id.Value, team.Municipality?.Value, team.Agency.ToString(), team.Organisation.Value,
                team.Members.Select(m => m.Staff.Value).Distinct().ToArray(), Projection.Jsonb(CoordinationJson.Serialize(team)));
        }
    }
}

public sealed class StaffProjector : Projector<StaffRow>
{
    protected override void Write(IReadOnlyList<StaffRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var staff = row.Staff;
            writer.Add(
                """
                insert into coord_staff (staff_id, organisation, agency, active, manager, doc, updated_at)
                values ($1, $2, $3, $4, $5, $6, now())
                on conflict (staff_id) do update set organisation = excluded.organisation, agency = excluded.agency,
                    active = excluded.active, manager = excluded.manager, doc = excluded.doc, updated_at = now()
                """,
                staff.Id.Value, staff.Organisation.Value, staff.Agency.ToString(), staff.Active, staff.Manager?.Value,
                Projection.Jsonb(CoordinationJson.Serialize(staff)));
        }
    }
}

public sealed class RuleChangeProjector : Projector<RuleChangeRow>
{
    protected override void Write(IReadOnlyList<RuleChangeRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add(
                """
                insert into coord_rule_changes (municipality, school_id, version, changed_by, changed_at, reason, rules)
                values ($1, $2, $3, $4, $5, $6, $7)
                on conflict (municipality, school_id, version) do nothing
                """,
                row.Municipality.Value, row.School?.Value, row.Version.Number, row.Version.ChangedBy.Value, row.Version.ChangedAt,
                row.Version.Reason, Projection.Jsonb(CoordinationJson.Serialize(row.Rules)));
        }
    }
}

public sealed class ChildProjector : Projector<ChildRow>
{
    protected override void Write(IReadOnlyList<ChildRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add(
                """
                insert into coord_children (child_key, municipality, school_id, named_person, protected_identity, placed_in_care,
                    watch_until, watch_owner, open_cases, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
                on conflict (child_key) do update set municipality = excluded.municipality, school_id = excluded.school_id,
                    named_person = excluded.named_person, protected_identity = excluded.protected_identity,
                    placed_in_care = excluded.placed_in_care, watch_until = excluded.watch_until, watch_owner = excluded.watch_owner,
                    open_cases = excluded.open_cases, updated_at = now()
                """,
                row.ChildKey, row.Municipality, row.School, row.NamedPerson, row.ProtectedIdentity, row.PlacedInCare,
                row.WatchUntil, row.WatchOwner, row.OpenCases);
        }
    }
}

public sealed class EnrolmentsProjector : Projector<EnrolmentsRow>
{
    protected override void Write(IReadOnlyList<EnrolmentsRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add("delete from coord_enrolments where child_key = $1", row.ChildKey);
            if (row.Enrolments.IsDefaultOrEmpty)
            {
                continue;
            }

            writer.Add(
                """
                insert into coord_enrolments (child_key, school_id, from_date, to_date)
                select $1, u.school_id, u.from_date, u.to_date
                  from unnest($2::text[], $3::date[], $4::date[]) as u(school_id, from_date, to_date)
                on conflict do nothing
                """,
                row.ChildKey,
                row.Enrolments.Select(e => e.School.Value).ToArray(),
                row.Enrolments.Select(e => e.From).ToArray(),
                new NpgsqlParameter { Value = row.Enrolments.Select(e => e.To).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        }
    }
}

public sealed class ConcernProjector : Projector<ConcernRow>
{
    protected override void Write(IReadOnlyList<ConcernRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add(
                """
                insert into coord_concerns (concern_id, child_key, municipality, school_id, category, reported_on, reporting_org,
                    reporting_agency, outcome, decided_at, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
                on conflict (concern_id) do update set municipality = excluded.municipality, school_id = excluded.school_id,
                    outcome = excluded.outcome, decided_at = excluded.decided_at, updated_at = now()
                """,
                row.ConcernId, row.ChildKey, row.Municipality, row.School, row.Category, row.ReportedOn, row.ReportingOrganisation,
                row.ReportingAgency, row.Outcome, row.DecidedAt);
        }
    }
}

public sealed class CaseProjector : Projector<CaseRow>
{
    protected override void Write(IReadOnlyList<CaseRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var state = row.Case;
            writer.Add(
                """
                insert into coord_cases (case_id, child_key, municipality, school_id, kind, status, severity, opened_at, ack_due_at,
                    acknowledged_at, closed_at, lead_staff, teams, staff, agencies, protected_identity, evidence_count, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, now())
                on conflict (case_id) do update set municipality = excluded.municipality, school_id = excluded.school_id,
                    status = excluded.status, severity = excluded.severity, ack_due_at = excluded.ack_due_at,
                    acknowledged_at = excluded.acknowledged_at, closed_at = excluded.closed_at, lead_staff = excluded.lead_staff,
                    teams = excluded.teams, staff = excluded.staff, agencies = excluded.agencies,
                    protected_identity = excluded.protected_identity, evidence_count = excluded.evidence_count, updated_at = now()
                """,
                state.Id.Value, state.Child.Value, state.Municipality?.Value, state.School?.Value, state.Kind.ToString(),
                state.Status.ToString(), state.Severity.ToString(), state.OpenedAt, state.AcknowledgementDueAt,
                state.Acknowledgement?.At, state.Closure?.At, state.Lead?.Staff.Value ?? state.ProposedLead?.Staff?.Value,
                row.Teams.ToArray(), row.Staff.ToArray(), row.Agencies.ToArray(), state.ProtectedIdentity, state.Evidence.Length);
        }
    }
}

public sealed class AlertProjector : Projector<AlertRow>
{
    protected override void Write(IReadOnlyList<AlertRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var alert = row.Alert;
            writer.Add(
                """
                insert into coord_alerts (alert_key, staff_id, kind, severity, child_key, case_id, raised_at, text)
                values ($1, $2, $3, $4, $5, $6, $7, $8)
                on conflict (alert_key) do nothing
                """,
                row.AlertKey, row.Staff.Value, alert.Kind.ToString(), alert.Severity.ToString(), alert.Child.Value, alert.Case?.Value,
                alert.RaisedAt, alert.Text is null ? null : Projection.Jsonb(CoordinationJson.Serialize(alert.Text)));
        }
    }
}

public sealed class AlertAcknowledgedProjector : Projector<AlertAcknowledgedRow>
{
    protected override void Write(IReadOnlyList<AlertAcknowledgedRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add("update coord_alerts set acknowledged_at = $2 where alert_key = $1 and acknowledged_at is null", row.AlertKey, row.At);
        }
    }
}

internal static class Projection
{
    public static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb };
}
