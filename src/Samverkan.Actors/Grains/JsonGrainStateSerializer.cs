using System.Text.Json;
using Orleans.Storage;

namespace Samverkan.Actors.Grains;

/// <summary>
/// Grain state in PostgreSQL as System.Text.Json, with the options the service's documents use: readable in the
/// database, the same shape the old runtime's actor state had, and free of Orleans' binary type manifest.
/// </summary>
public sealed class JsonGrainStateSerializer(JsonSerializerOptions options) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, options));

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, options)!;
    }
}
