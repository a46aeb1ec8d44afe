using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Samverkan.Actors.Tests;

/// <summary>A test node in its own OS process (Samverkan.Actors.TestNode), for kill -9, SIGSTOP and restarts.</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Guid> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public Guid NodeId => _ready.Task.Result;

    public IEnumerable<string> Output => _output;

    public static async Task<NodeProcess> StartAsync(string connectionString, string name, TimeSpan ttl, int partitions, TimeSpan handlerDelay = default)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Samverkan.Actors.TestNode.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     dll, connectionString, name, ttl.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                     partitions.ToString(CultureInfo.InvariantCulture), handlerDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the test node.");
        var node = new NodeProcess(process, name);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node._ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>kill -9: no goodbye, no lease release.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public Task PauseAsync() => SignalAsync("STOP");

    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM: a graceful leave.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await SignalAsync("TERM");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("CONT");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.StartsWith("READY ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(Guid.Parse(line.AsSpan(6)));
        }
    }
}
