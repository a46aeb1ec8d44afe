using Samverkan.Actors.Projections;

namespace Samverkan.Actors.TestNode;

/// <summary>Records every message it gets, in order; a gap or a repeat is a violation.</summary>
public sealed class RecorderActor : Actor<RecorderState>
{
    public const string Name = "recorder";

    public RecorderActor(string nodeName, TimeSpan handlerDelay = default)
        : base(Name)
    {
        On<Record>((message, context) =>
        {
            if (handlerDelay > TimeSpan.Zero)
            {
                Thread.Sleep(handlerDelay);
            }

            var state = context.State;
            if (message.Seq != state.LastSeq + 1)
            {
                context.Project(new ViolationRow(context.Self.Key, state.LastSeq + 1, message.Seq));
            }

            context.Project(new EffectRow(context.Self.Key, message.Seq, nodeName));
            context.State = new RecorderState(message.Seq, state.Count + 1);
        });
        OnAsk<GetRecorderState, RecorderState>((_, context) => context.State);
    }

    protected override RecorderState CreateInitialState(string key) => new(0, 0);
}

public sealed record RecorderState(long LastSeq, long Count);

[ActorMessage("test.record")]
public sealed record Record(long Seq);

[ActorMessage("test.get-recorder-state")]
public sealed record GetRecorderState;

public sealed record EffectRow(string ActorKey, long Seq, string Node);

public sealed record ViolationRow(string ActorKey, long Expected, long Got);

public sealed record TimerFiredRow(string ActorKey, string Tag);

/// <summary>A counter with the odd behaviours tests need: slow replies, failures, timers, forwarding, signals.</summary>
public sealed class CounterActor : Actor<CounterState>
{
    public const string Name = "counter";

    public CounterActor()
        : base(Name)
    {
        OnAsk<Add, long>((message, context) =>
        {
            context.State = context.State with { Total = context.State.Total + message.Amount };
            return context.State.Total;
        });
        On<AddQuietly>((message, context) => context.State = context.State with { Total = context.State.Total + message.Amount });
        OnAsk<GetTotal, long>((_, context) => context.State.Total);
        OnAsk<Slow, long>((message, context) =>
        {
            Thread.Sleep(message.Milliseconds);
            context.State = context.State with { Total = context.State.Total + 1 };
            return context.State.Total;
        });
        OnAsk<Explode, long>((_, _) => throw new InvalidOperationException("This message always fails."));
        On<Schedule>((message, context) => context.SetTimer(message.Name, message.DueAt, new TimerFired(message.Tag)));
        On<Unschedule>((message, context) => context.CancelTimer(message.Name));
        On<TimerFired>((message, context) =>
        {
            context.Project(new TimerFiredRow(context.Self.Key, message.Tag));
            context.State = context.State with { Fired = context.State.Fired + 1 };
        });
        On<Forward>((message, context) =>
        {
            for (var i = 0; i < message.Count; i++)
            {
                context.Send(new ActorId(Name, message.TargetKey), new AddQuietly(1));
            }
        });
        On<Announce>((message, context) => context.Publish("counter/" + context.Self.Key, new Announcement(context.Self.Key, message.Text)));
        On<Forget>((_, context) => context.DeleteState());
        On<Note>((message, context) =>
        {
            context.State = context.State with { Total = context.State.Total + 1 };
            context.Project(new NoteRow(context.Self.Key, message.Text));
        });
    }

    protected override CounterState CreateInitialState(string key) => new(0, 0);
}

public sealed record CounterState(long Total, int Fired);

[ActorMessage("test.add")]
public sealed record Add(long Amount);

[ActorMessage("test.add-quietly")]
public sealed record AddQuietly(long Amount);

[ActorMessage("test.get-total")]
public sealed record GetTotal;

[ActorMessage("test.slow")]
public sealed record Slow(int Milliseconds);

[ActorMessage("test.explode")]
public sealed record Explode;

[ActorMessage("test.schedule")]
public sealed record Schedule(string Name, DateTimeOffset DueAt, string Tag);

[ActorMessage("test.unschedule")]
public sealed record Unschedule(string Name);

[ActorMessage("test.timer-fired")]
public sealed record TimerFired(string Tag);

[ActorMessage("test.forward")]
public sealed record Forward(string TargetKey, int Count);

[ActorMessage("test.announce")]
public sealed record Announce(string Text);

[ActorMessage("test.forget")]
public sealed record Forget;

/// <summary>Counts and projects a note; the projector cannot write the note "poison".</summary>
[ActorMessage("test.note")]
public sealed record Note(string Text);

public sealed record NoteRow(string ActorKey, string Text);

public sealed class NoteProjector : Projector<NoteRow>
{
    protected override void Write(IReadOnlyList<NoteRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            if (row.Text == "poison")
            {
                throw new ArgumentException("This projector cannot write a poisoned note.");
            }

            writer.Add("insert into test_timer_fired (actor_key, tag) values ($1, $2)", row.ActorKey, "note:" + row.Text);
        }
    }
}

public sealed record Announcement(string Key, string Text);

public sealed class EffectProjector : Projector<EffectRow>
{
    protected override void Write(IReadOnlyList<EffectRow> rows, ProjectionWriter writer) =>
        writer.Add(
            "insert into test_effects (actor_key, seq, node) select * from unnest($1::text[], $2::bigint[], $3::text[])",
            rows.Select(r => r.ActorKey).ToArray(),
            rows.Select(r => r.Seq).ToArray(),
            rows.Select(r => r.Node).ToArray());
}

public sealed class ViolationProjector : Projector<ViolationRow>
{
    protected override void Write(IReadOnlyList<ViolationRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add("insert into test_violations (actor_key, expected, got) values ($1, $2, $3)", row.ActorKey, row.Expected, row.Got);
        }
    }
}

public sealed class TimerFiredProjector : Projector<TimerFiredRow>
{
    protected override void Write(IReadOnlyList<TimerFiredRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            writer.Add("insert into test_timer_fired (actor_key, tag) values ($1, $2)", row.ActorKey, row.Tag);
        }
    }
}

/// <summary>Everything a test node runs.</summary>
public static class TestActors
{
    public static Samverkan.Postgres.MigrationSource[] Migrations { get; } =
    [
        new("actors", typeof(ActorHost).Assembly),
        new("test", typeof(TestActors).Assembly),
    ];

    public static ActorBase[] Actors(string nodeName, TimeSpan handlerDelay = default) =>
        [new RecorderActor(nodeName, handlerDelay), new CounterActor()];

    public static IProjector[] Projectors() => [new EffectProjector(), new ViolationProjector(), new TimerFiredProjector(), new NoteProjector()];
}
