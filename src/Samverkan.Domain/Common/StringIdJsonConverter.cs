using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Common;

/// <summary>Writes a string identifier as a plain JSON string (also as a dictionary key).</summary>
public sealed class StringIdJsonConverter<TId> : JsonConverter<TId>
    where TId : struct, IStringId<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string for {typeof(TId).Name}.");
        }

        return Create(reader.GetString());
    }

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }

    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Create(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.Value);
    }

    private static TId Create(string? value)
    {
        try
        {
            return TId.FromString(value!);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException($"Invalid {typeof(TId).Name}: {ex.Message}", ex);
        }
    }
}
