using Samverkan.Domain.Cases;

namespace Samverkan.Domain.Children;

/// <summary>The child's reference to one of its open cases (at most one per kind).</summary>
public sealed record CaseRef(CaseId Case, CaseKind Kind, CaseStatus Status, DateTimeOffset OpenedAt);
