using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samverkan.Actors;

/// <summary>The JSON shape of actor state, messages, replies and signals: web defaults, enums as names.</summary>
public static class ActorJson
{
    public static JsonSerializerOptions CreateDefaultOptions() =>
        new(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
}
