using Samverkan.Domain.Common;
using Microsoft.AspNetCore.Components;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Host.Security;

namespace Samverkan.Host.Dashboard.Components.Shared;

/// <summary>
/// A view that stays current: it reads the durable rows when it starts, and again whenever <see cref="DashboardLive"/>
/// says something changed (a signal after a commit anywhere in the cluster, or a reconnect), then re-renders.
/// Notices that arrive during a read cause one more read, never overlapping reads.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _reading;
    private bool _again;
    private bool _disposed;

    [Inject]
    protected DashboardData Data { get; set; } = default!;

    [Inject]
    protected DashboardLive Live { get; set; } = default!;

    [Inject]
    protected ServiceClock Time { get; set; } = default!;

    [CascadingParameter]
    protected DashboardText Text { get; set; } = DashboardText.Sv;

    protected DashboardUser? User { get; private set; }

    /// <summary>True once the first read finished (successfully or not).</summary>
    protected bool Loaded { get; private set; }

    /// <summary>A message for the person when the last read failed (the page keeps what it showed before).</summary>
    protected string? Error { get; private set; }

    protected DateTimeOffset? UpdatedAt { get; private set; }

    protected CancellationToken Stopping => _stopping.Token;

    protected override async Task OnInitializedAsync()
    {
        User = await Data.UserAsync(Stopping);
        if (User is null)
        {
            Error = Text["error.nosession"];
            Loaded = true;
            return;
        }

        Live.Changed += OnChanged;
        Live.Start(User);
        await RefreshAsync();
    }

    /// <summary>Reads what the view shows; called on the renderer's dispatcher.</summary>
    protected abstract Task LoadAsync(DashboardUser user, CancellationToken cancellationToken);

    /// <summary>Reads again now (or once more right after the read in progress).</summary>
    protected async Task RefreshAsync()
    {
        if (User is null || _disposed)
        {
            return;
        }

        if (_reading)
        {
            _again = true;
            return;
        }

        _reading = true;
        try
        {
            do
            {
                _again = false;
                if (Data.SessionExpired)
                {
                    // The layout takes the page away; until it does, nothing more is read.
                    Error = Text["error.nosession"];
                    return;
                }

                try
                {
                    await LoadAsync(User, Stopping);
                    Error = null;
                    UpdatedAt = Time.GetUtcNow();
                }
                catch (Exception exception) when (exception is AuditUnavailableException or NpgsqlException or ActorTimeoutException or TimeoutException)
                {
                    Error = Text["error.unavailable"];
                }
                catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
                {
                    return;
                }

                Loaded = true;
                if (!_disposed)
                {
                    StateHasChanged();
                }
            }
            while (_again && !_disposed);
        }
        finally
        {
            _reading = false;
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            Live.Changed -= OnChanged;
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    /// <summary>Whether a signal concerns this view (null: notices may have been missed, always re-read).</summary>
    protected virtual bool Concerns(ActorSignal? signal) => true;

    private void OnChanged(ActorSignal? signal)
    {
        if (Concerns(signal))
        {
            _ = InvokeAsync(RefreshAsync);
        }
    }
}
