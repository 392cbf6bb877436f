using System.Security.Cryptography;
using System.Text;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// The messages that both a replay and the live subscriptions may deliver, so each is applied once whichever comes
/// first. A message is known by a SHA-256 of its subject, payload and CloudEvents headers, counted (not just marked),
/// since alive events from one process repeat their id and timestamp and can be byte-identical. One signed count per
/// message: above zero, live delivered it and the replay has yet to (the replay skips it); below zero, the replay
/// applied it first and the live loop, lagging, has yet to deliver it (the live loop skips it). Only replayed messages
/// the stream took after the live subscriptions may have seen them are looked up or recorded. Bounded by
/// <c>Replay:MaxOverlapMessages</c> (recordings beyond it are counted in <see cref="Overflowed"/> and may be applied
/// twice). After <see cref="Stop"/>, live messages are no longer remembered, but what the replay applied first is
/// kept for <see cref="LagGrace"/> so a lagging live loop still skips it.
/// </summary>
internal sealed class LiveOverlap(int capacity, TimeProvider? time = null)
{
    /// <summary>How long after the replay ended the live loop may still skip what the replay applied first.</summary>
    public static readonly TimeSpan LagGrace = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<MessageKey, int> _counts = [];
    private bool _recording;
    private int _overflowed;
    private DateTimeOffset? _stoppedAt;

    /// <summary>Messages that did not fit.</summary>
    public int Overflowed => Volatile.Read(ref _overflowed);

    public void Start()
    {
        lock (_gate)
        {
            _counts.Clear();
            _stoppedAt = null;
            _recording = true;
        }
    }

    /// <summary>Stops remembering live messages and forgets them; what the replay applied first is kept for <see cref="LagGrace"/>.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _recording = false;
            _stoppedAt = _time.GetUtcNow();
            foreach (var (key, n) in _counts)
            {
                if (n > 0)
                {
                    _counts.Remove(key);
                }
            }
        }
    }

    /// <summary>
    /// A live message arrived (any thread). True when the replay already applied it: the live loop skips it (once).
    /// </summary>
    public bool Seen(string subject, ReadOnlySpan<byte> payload, NatsHeaders? headers)
    {
        lock (_gate)
        {
            if (!_recording && (_stoppedAt is not { } stopped || _counts.Count == 0 || _time.GetUtcNow() - stopped > LagGrace))
            {
                if (_stoppedAt is not null)
                {
                    _counts.Clear();
                    _stoppedAt = null;
                }

                return false;
            }
        }

        var key = MessageKey.Of(subject, payload, headers);
        lock (_gate)
        {
            var n = _counts.GetValueOrDefault(key);
            if (n < 0)
            {
                Set(key, n + 1);
                return true;
            }

            if (_recording && Record(key))
            {
                Set(key, n + 1);
            }

            return false;
        }
    }

    /// <summary>
    /// A replayed message the live subscription may have delivered (any thread). True (and one fewer remembered) when
    /// live already delivered it: the replay skips it. Otherwise the replay applies it, and it is remembered so the
    /// live loop skips its copy.
    /// </summary>
    public bool TakeIfSeen(string subject, ReadOnlySpan<byte> payload, NatsHeaders? headers)
    {
        var key = MessageKey.Of(subject, payload, headers);
        lock (_gate)
        {
            var n = _counts.GetValueOrDefault(key);
            if (n > 0)
            {
                Set(key, n - 1);
                return true;
            }

            if (_recording && Record(key))
            {
                Set(key, n - 1);
            }

            return false;
        }
    }

    // At most `capacity` distinct messages remembered at once; a match frees its place.
    private bool Record(MessageKey key)
    {
        if (_counts.Count >= capacity && !_counts.ContainsKey(key))
        {
            Interlocked.Increment(ref _overflowed);
            return false;
        }

        return true;
    }

    private void Set(MessageKey key, int n)
    {
        if (n == 0)
        {
            _counts.Remove(key);
        }
        else
        {
            _counts[key] = n;
        }
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
