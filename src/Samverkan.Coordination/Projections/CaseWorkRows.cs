using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;

namespace Samverkan.Coordination.Projections;

/// <summary>A case's work at a glance (<c>coord_case_work</c>): what dashboards show as due, overdue or vacant.</summary>
public sealed record CaseWorkRow(CaseState Case);

/// <summary>The feedback owed to a concern's reporting organisation (<c>coord_concern_feedback</c>).</summary>
public sealed record ReporterFeedbackRow(string ChildKey, string? Municipality, ReporterFeedback Feedback);
