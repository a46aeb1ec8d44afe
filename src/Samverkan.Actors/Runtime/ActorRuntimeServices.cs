using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Actors.Projections;

namespace Samverkan.Actors.Runtime;

/// <summary>What the parts of one node share.</summary>
internal sealed class ActorRuntimeServices
{
    public ActorRuntimeServices(
        NpgsqlDataSource dataSource,
        ActorRuntimeOptions options,
        IEnumerable<ActorBase> actors,
        IEnumerable<IProjector> projectors,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        DataSource = dataSource;
        Options = options;
        Registry = new ActorRegistry(actors, options.JsonOptions);
        Projectors = projectors.ToFrozenDictionary(p => p.RowType);
        Time = time;
        Logger = loggerFactory.CreateLogger("Samverkan.Actors");
        Replies = new ReplyRegistry();
    }

    public Guid NodeId { get; } = Guid.NewGuid();

    public NpgsqlDataSource DataSource { get; }

    public ActorRuntimeOptions Options { get; }

    public ActorRegistry Registry { get; }

    public FrozenDictionary<Type, IProjector> Projectors { get; }

    /// <summary>Business time: what handlers see as now and what timers are due against.</summary>
    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ReplyRegistry Replies { get; }

    /// <summary>Set by the node when it processes messages, so a send to a local partition wakes it without a round trip.</summary>
    public Action<int>? LocalWake { get; set; }
}
