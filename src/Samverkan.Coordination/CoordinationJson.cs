using System.Text.Json;
using Samverkan.Actors;

namespace Samverkan.Coordination;

/// <summary>How coordination documents (read-model <c>doc</c> columns) are serialized: as actor state is.</summary>
public static class CoordinationJson
{
    public static JsonSerializerOptions Options { get; } = ActorJson.CreateDefaultOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
