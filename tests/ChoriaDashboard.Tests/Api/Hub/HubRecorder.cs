using System.Collections.Concurrent;
using System.Text.Json;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChoriaDashboard.Tests.Api.Hub;

/// <summary>
/// A real .NET SignalR client on <c>/hubs/fleet</c> that reads the <c>Fleet</c> stream as JSON, keeps every message, and
/// applies them as a client would: a snapshot's first part forgets everything, nodes are upserts, removals delete.
/// </summary>
public sealed class HubRecorder : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HubConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<JsonElement> _messages = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonElement> _nodes = new(StringComparer.Ordinal);
    private Task _reading = Task.CompletedTask;

    private HubRecorder(HubConnection connection) => _connection = connection;

    /// <summary>Every message received, in order, as JSON.</summary>
    public IReadOnlyList<JsonElement> Messages => [.. _messages];

    /// <summary>How the stream ended (null while it runs, or when it ended without error).</summary>
    public Exception? Error { get; private set; }

    /// <summary>The nodes as the messages so far make them, by <c>identity/component</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Nodes
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, JsonElement>(_nodes, StringComparer.Ordinal);
            }
        }
    }

    public HubConnection Connection => _connection;

    /// <summary>Connects to the app's Kestrel address; <paramref name="configure"/> adds a key, cookies or headers.</summary>
    private int _disposed;

    public static async Task<HubRecorder> ConnectAsync(Uri server, Action<HttpConnectionOptions>? configure = null, string query = "")
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/fleet" + query), o => configure?.Invoke(o))
            .Build();
        await connection.StartAsync();
        return new HubRecorder(connection);
    }

    /// <summary>Opens the <c>Fleet</c> stream (for <paramref name="components"/>, or all) and waits for its first whole snapshot.</summary>
    public async Task<HubRecorder> StreamAsync(params string[]? components)
    {
        var stream = _connection.StreamAsync<JsonElement>("Fleet", components, _stop.Token);
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in stream)
                {
                    Apply(message);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Error = e;
            }
        });
        await UntilAsync(m => Kind(m) == "snapshot" && m.GetProperty("last").GetBoolean(), "the first snapshot");
        return this;
    }

    /// <summary>Waits until a message satisfies <paramref name="match"/> and returns it.</summary>
    public async Task<JsonElement> UntilAsync(Func<JsonElement, bool> match, string what)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(
            () =>
            {
                if (Error is not null)
                {
                    throw new InvalidOperationException($"the stream ended while waiting for {what}", Error);
                }

                foreach (var message in _messages)
                {
                    if (match(message))
                    {
                        found = message;
                        return true;
                    }
                }

                return false;
            },
            Timeout,
            what);
        return found;
    }

    /// <summary>Waits until the stream ends, and returns how (its error, or null).</summary>
    public async Task<Exception?> EndedAsync()
    {
        await _reading.WaitAsync(Timeout);
        return Error;
    }

    public static string Kind(JsonElement message) => message.GetProperty("kind").GetString()!;

    public static IEnumerable<string> NodeIdentities(JsonElement message) =>
        message.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("identity").GetString()!);

    public static IEnumerable<string> RemovedIdentities(JsonElement message) =>
        message.GetProperty("removed").EnumerateArray().Select(n => n.GetProperty("identity").GetString()!);

    public async ValueTask DisposeAsync()
    {
        // Once only: a test may close a client itself before its `await using` does.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _connection.DisposeAsync();
        try
        {
            await _reading.WaitAsync(Timeout);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void Apply(JsonElement message)
    {
        lock (_lock)
        {
            if (Kind(message) == "snapshot" && message.GetProperty("part").GetInt32() == 1)
            {
                _nodes.Clear();
            }

            foreach (var node in message.GetProperty("nodes").EnumerateArray())
            {
                _nodes[$"{node.GetProperty("identity").GetString()}/{node.GetProperty("component").GetString()}"] = node.Clone();
            }

            foreach (var node in message.GetProperty("removed").EnumerateArray())
            {
                _nodes.Remove($"{node.GetProperty("identity").GetString()}/{node.GetProperty("component").GetString()}");
            }
        }

        _messages.Enqueue(message.Clone());
    }
}
