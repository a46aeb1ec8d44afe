namespace Samverkan.Domain.Common;

/// <summary>A short text in Swedish and English.</summary>
public sealed record LocalizedText(string Sv, string En);
