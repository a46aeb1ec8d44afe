using Samverkan.Actors.Projections;

namespace Samverkan.Coordination.Retention;

/// <summary>
/// Deletes (not blanks) the read-model rows of culled cases: the webhook deliveries of its alerts (before the alerts they
/// refer to), the alerts about it, its case-work row and the case row.
/// </summary>
public sealed class CaseCulledProjector : Projector<CaseCulledRow>
{
    protected override void Write(IReadOnlyList<CaseCulledRow> rows, ProjectionWriter writer)
    {
        var ids = rows.Select(r => r.CaseId).Distinct(StringComparer.Ordinal).ToArray();
        writer.Add("delete from coord_webhook_deliveries where alert_id in (select id from coord_alerts where case_id = any ($1))", [ids]);
        writer.Add("delete from coord_alerts where case_id = any ($1)", [ids]);
        writer.Add("delete from coord_case_work where case_id = any ($1)", [ids]);
        writer.Add("delete from coord_cases where case_id = any ($1)", [ids]);
    }
}

/// <summary>
/// Deletes the read-model rows of culled concerns: the feedback owed to their reporters (<c>coord_concern_feedback</c>,
/// which names the child and the reporting organisation) and the <c>coord_concerns</c> rows.
/// </summary>
public sealed class ConcernsCulledProjector : Projector<ConcernsCulledRow>
{
    protected override void Write(IReadOnlyList<ConcernsCulledRow> rows, ProjectionWriter writer)
    {
        var ids = rows.SelectMany(r => r.ConcernIds).Distinct(StringComparer.Ordinal).ToArray();
        writer.Add("delete from coord_concern_feedback where concern_id = any ($1)", [ids]);
        writer.Add("delete from coord_concerns where concern_id = any ($1)", [ids]);
    }
}
