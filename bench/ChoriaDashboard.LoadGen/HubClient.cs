using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChoriaDashboard.LoadGen;

/// <summary>One hub client streaming the whole fleet, counting what it receives.</summary>
internal sealed class HubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _snapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;
    private long _nodes;
    private long _snapshotNodes;

    private HubClient(HubConnection connection) => _connection = connection;

    /// <summary>Completes when the first whole snapshot has arrived.</summary>
    public Task Snapshot => _snapshot.Task;

    public long SnapshotNodes => Interlocked.Read(ref _snapshotNodes);

    public long NodesReceived => Interlocked.Read(ref _nodes);

    public int Resynchronised { get; private set; }

    public Exception? Error { get; private set; }

    /// <summary>Completes when the fleet stream has ended (the server closed it, or it failed: see <see cref="Error"/>).</summary>
    public Task Ended => _reading;

    public static async Task<HubClient> StartAsync(Uri hub)
    {
        var connection = new HubConnectionBuilder().WithUrl(hub).Build();
        await connection.StartAsync();
        var client = new HubClient(connection);
        client._reading = Task.Run(client.ReadAsync);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _connection.DisposeAsync();
        await _reading;
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _connection.StreamAsync<JsonElement>("Fleet", (string[]?)null, _stop.Token))
            {
                var nodes = message.GetProperty("nodes").GetArrayLength();
                Interlocked.Add(ref _nodes, nodes);
                if (message.GetProperty("kind").GetString() == "snapshot")
                {
                    Resynchronised += message.GetProperty("resynchronised").GetBoolean() && message.GetProperty("part").GetInt32() == 1 ? 1 : 0;
                    if (!_snapshot.Task.IsCompleted)
                    {
                        Interlocked.Add(ref _snapshotNodes, nodes);
                        if (message.GetProperty("last").GetBoolean())
                        {
                            _snapshot.TrySetResult();
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Error = e;
            _snapshot.TrySetException(e);
        }
    }
}
