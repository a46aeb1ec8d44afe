using Microsoft.Extensions.Logging;

namespace Samverkan.Actors;

/// <summary>The actor grains' shared log messages. Ids, never message contents or state.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(1015, LogLevel.Information, "Prepared the serializers of {Count} state and message types in {Milliseconds} ms")]
    public static partial void SerializersPrepared(ILogger logger, int count, long milliseconds);

    [LoggerMessage(1016, LogLevel.Warning, "Preparing the serializers at start failed; they are built on first use")]
    public static partial void SerializersNotPrepared(ILogger logger, Exception exception);
}
