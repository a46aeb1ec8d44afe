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
        Notifier = new Notifier(this);
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

    public Notifier Notifier { get; }

    /// <summary>Set by a processing node: wakes the local worker of a partition and says whether there was one.</summary>
    public Func<int, bool>? LocalWake { get; set; }

    /// <summary>After a commit that stored messages for these partitions: wake them here, or tell their owners.</summary>
    public void AnnounceMailboxes(IEnumerable<int> partitions)
    {
        foreach (var partition in partitions)
        {
            if (LocalWake?.Invoke(partition) != true)
            {
                Notifier.Mailbox(partition);
            }
        }
    }

    /// <summary>Set by the node: hands a signal committed here to this node's subscribers directly.</summary>
    public Action<string>? LocalSignal { get; set; }

    /// <summary>Diagnostics: called on the worker after each successful commit with what it processed (benchmarks measure latency with it).</summary>
    public Action<IReadOnlyList<WorkItem>>? Committed { get; set; }
}
