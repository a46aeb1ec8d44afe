namespace Samverkan.Coordination.Reference;

/// <summary>The payload of a <c>reference/…</c> signal.</summary>
public sealed record ReferenceChanged(string Id);
