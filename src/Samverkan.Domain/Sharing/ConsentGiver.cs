using System.Text.Json.Serialization;
using Samverkan.Domain.Children;

namespace Samverkan.Domain.Sharing;

[JsonConverter(typeof(JsonStringEnumConverter<ConsentGiverKind>))]
public enum ConsentGiverKind
{
    /// <summary>A guardian (vårdnadshavare).</summary>
    Guardian,

    /// <summary>The child, when mature enough to decide.</summary>
    Child,
}

/// <summary>Who gave a consent; a guardian by reference only.</summary>
public sealed record ConsentGiver(ConsentGiverKind Kind, GuardianRef? Guardian = null);
