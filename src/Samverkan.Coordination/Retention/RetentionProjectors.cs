using Samverkan.Actors.Projections;

namespace Samverkan.Coordination.Retention;

/// <summary>Deletes (not blanks) the read-model rows of culled cases: the case row and the alerts about it.</summary>
public sealed class CaseCulledProjector : Projector<CaseCulledRow>
{
    protected override void Write(IReadOnlyList<CaseCulledRow> rows, ProjectionWriter writer)
    {
        var ids = rows.Select(r => r.CaseId).Distinct(StringComparer.Ordinal).ToArray();
        writer.Add("delete from coord_alerts where case_id = any ($1)", [ids]);
        writer.Add("delete from coord_cases where case_id = any ($1)", [ids]);
    }
}

/// <summary>Deletes the <c>coord_concerns</c> rows of culled concerns.</summary>
public sealed class ConcernsCulledProjector : Projector<ConcernsCulledRow>
{
    protected override void Write(IReadOnlyList<ConcernsCulledRow> rows, ProjectionWriter writer) =>
        writer.Add("delete from coord_concerns where concern_id = any ($1)", [rows.SelectMany(r => r.ConcernIds).Distinct(StringComparer.Ordinal).ToArray()]);
}
