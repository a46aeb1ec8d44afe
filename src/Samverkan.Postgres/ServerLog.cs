using System.Collections.Concurrent;
using System.Text;

namespace Samverkan.Postgres;

/// <summary>The server's own output: appended to a file and the last lines kept for error messages.</summary>
internal sealed class ServerLog(string path) : IDisposable
{
    private const int TailLines = 40;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Lock _lock = new();
    private StreamWriter? _writer;

    public string Path { get; } = path;

    public void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > TailLines && _tail.TryDequeue(out _))
        {
        }

        lock (_lock)
        {
            try
            {
                _writer ??= new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8)
                {
                    AutoFlush = true,
                };
                _writer.WriteLine(line);
            }
            catch (IOException)
            {
                // The log file is a convenience; the tail in memory still carries the error for the exception.
            }
        }
    }

    public string Tail() => string.Join(Environment.NewLine, _tail);

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }
}
