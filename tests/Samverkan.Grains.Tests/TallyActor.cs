using System.Collections.Immutable;
using Samverkan.Actors;
using Samverkan.Actors.Grains;
using Samverkan.Actors.Projections;

namespace Samverkan.Grains.Tests;

[ActorMessage("test.add.v1")]
public sealed record Add(int By);

[ActorMessage("test.read.v1")]
public sealed record Read;

/// <summary>Starts a rally of <paramref name="Hits"/> messages between this tally and <paramref name="Partner"/>.</summary>
[ActorMessage("test.serve.v1")]
public sealed record Serve(string Partner, int Hits);

[ActorMessage("test.hit.v1")]
public sealed record Hit(string From, int Left);

[ActorMessage("test.remind.v1")]
public sealed record RemindAt(DateTimeOffset At, string Note);

[ActorMessage("test.reminded.v1")]
public sealed record Reminded(string Note);

public sealed record TallyState(int Total, int Hits, ImmutableList<string> Notes);

/// <summary>A row per handled <see cref="Add"/>: the log shows how often each group of rows was written.</summary>
public sealed record TallyRow(string Key, int Total);

/// <summary>
/// A test actor with every kind of effect: state, read-model rows, messages to another actor (a rally, which a
/// grain that waited for its receiver would deadlock on) and a timer. <see cref="FailHits"/> makes receivers fail.
/// </summary>
public sealed class TallyActor : Actor<TallyState>
{
    public TallyActor()
        : base("tally")
    {
        OnAsk<Add, int>((m, c) =>
        {
            c.State = c.State with { Total = c.State.Total + m.By };
            c.Project(new TallyRow(c.Self.Key, c.State.Total));
            return c.State.Total;
        });
        OnAsk<Read, TallyState>((_, c) => c.State);
        On<Serve>((m, c) => c.Send(new ActorId("tally", m.Partner), new Hit(c.Self.Key, m.Hits - 1)));
        On<Hit>((m, c) =>
        {
            if (Interlocked.Decrement(ref FailHits) >= 0)
            {
                throw new InvalidOperationException("The receiver fails on purpose.");
            }

            c.State = c.State with { Hits = c.State.Hits + 1 };
            if (m.Left > 0)
            {
                c.Send(new ActorId("tally", m.From), new Hit(c.Self.Key, m.Left - 1));
            }
        });
        On<RemindAt>((m, c) => c.SetTimer("note", m.At, new Reminded(m.Note)));
        On<Reminded>((m, c) => c.State = c.State with { Notes = c.State.Notes.Add(m.Note) });
    }

    /// <summary>How many <see cref="Hit"/>s are still to fail (tests of redelivery set it; below zero: none).</summary>
    public static int FailHits = -1;

    protected override TallyState CreateInitialState(string key) => new(0, 0, []);
}

public sealed class TallyProjector : Projector<TallyRow>
{
    protected override void Write(IReadOnlyList<TallyRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add("insert into tally_log (tally, total) values ($1, $2)", row.Key, row.Total);
        }
    }
}

[GrainType("tally")]
public sealed class TallyGrain([PersistentState("tally", ProviderSchemaTests.Storage)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);
