using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// The live messages received while a replay runs, so the replay applies an event it shares with the live
/// subscriptions once. A message is known by a SHA-256 of its subject, payload and CloudEvents headers, counted (not
/// just marked), since alive events from one process repeat their id and timestamp and can be byte-identical.
/// Bounded by <c>Replay:MaxOverlapMessages</c>; only replayed messages the stream took after the live subscriptions
/// may have seen them are looked up.
/// </summary>
internal sealed class LiveOverlap(int capacity)
{
    private readonly ConcurrentDictionary<MessageKey, int> _seen = new();
    private int _count;
    private int _recording;
    private int _overflowed;

    /// <summary>True while live messages are remembered.</summary>
    public bool Recording => Volatile.Read(ref _recording) == 1;

    /// <summary>Messages that did not fit.</summary>
    public int Overflowed => Volatile.Read(ref _overflowed);

    public void Start() => Volatile.Write(ref _recording, 1);

    /// <summary>Stops remembering and forgets.</summary>
    public void Stop()
    {
        Volatile.Write(ref _recording, 0);
        _seen.Clear();
        _count = 0;
    }

    /// <summary>A live message arrived (any thread).</summary>
    public void Seen(string subject, ReadOnlySpan<byte> payload, NatsHeaders? headers)
    {
        if (!Recording)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Increment(ref _overflowed);
            return;
        }

        _seen.AddOrUpdate(MessageKey.Of(subject, payload, headers), 1, (_, n) => n + 1);
    }

    /// <summary>True (and one fewer remembered) when the live subscription already delivered this replayed message.</summary>
    public bool TakeIfSeen(string subject, ReadOnlySpan<byte> payload, NatsHeaders? headers)
    {
        var key = MessageKey.Of(subject, payload, headers);
        while (_seen.TryGetValue(key, out var n))
        {
            if (n <= 1 ? _seen.TryRemove(KeyValuePair.Create(key, n)) : _seen.TryUpdate(key, n - 1, n))
            {
                return true;
            }
        }

        return false;
    }

    internal readonly record struct MessageKey(long A, long B, long C, long D)
    {
        public static MessageKey Of(string subject, ReadOnlySpan<byte> payload, NatsHeaders? headers)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(subject));
            hash.AppendData([0]);
            hash.AppendData(payload);
            if (headers is not null)
            {
                // Binary-mode CloudEvents carry their attributes (id, time, source) in headers, the data alone in the payload.
                foreach (var (name, values) in headers)
                {
                    if (name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
                    {
                        hash.AppendData(Encoding.UTF8.GetBytes($"\0{name.ToLowerInvariant()}={values}"));
                    }
                }
            }

            Span<byte> digest = stackalloc byte[32];
            hash.GetHashAndReset(digest);
            var longs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(digest);
            return new MessageKey(longs[0], longs[1], longs[2], longs[3]);
        }
    }
}
