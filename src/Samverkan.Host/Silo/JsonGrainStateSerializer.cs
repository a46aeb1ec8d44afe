using System.Text.Json;
using Orleans.Storage;
using Samverkan.Coordination;

namespace Samverkan.Host.Silo;

/// <summary>
/// Grain state in PostgreSQL as System.Text.Json, with the options the coordination documents use: readable in the
/// database, the same shape the old runtime's actor state had, and free of Orleans' binary type manifest.
/// </summary>
internal sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, CoordinationJson.Options));

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, CoordinationJson.Options)!;
    }
}
