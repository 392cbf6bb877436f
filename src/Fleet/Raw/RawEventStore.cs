using System.Text;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Fleet.Raw;

/// <summary>
/// The newest accepted messages exactly as they arrived (subject, NATS headers, body), within a byte budget
/// (<c>Ingest:RawEventBytes</c>): one circular byte buffer shared by the whole fleet, so memory does not grow with
/// the number of nodes. Each capture gets an id; older captures are overwritten as new ones arrive, and a lookup of an
/// overwritten id says so (<see cref="RawEventLookup.NoLongerRetained"/>).
/// </summary>
/// <remarks>
/// Written by the NATS loops (one per subject) and read on demand by pages, under one short lock: a capture is one
/// copy of the headers and body into the buffer, no allocation. Records are laid out in a virtual stream of bytes; a record at
/// stream position <c>p</c> of length <c>n</c> is still there while <c>p &gt;= written - capacity</c>.
/// </remarks>
public sealed class RawEventStore
{
    /// <summary>A store that keeps nothing (capture off, or a reader built without one).</summary>
    public static readonly RawEventStore None = new(0);

    /// <summary>
    /// One index entry per this many bytes of budget: Choria's smallest events (a legacy alive) are about 350 bytes,
    /// so the index runs out only for messages smaller than this on average.
    /// </summary>
    internal const int BudgetBytesPerRecord = 256;

    private readonly Lock _lock = new();
    private readonly byte[] _buffer;
    private readonly Record[] _index;
    private long _written;
    private long _nextId = 1;
    private long _firstCaptureTicks = long.MaxValue;

    /// <param name="budgetBytes">The byte budget, index included; 0 keeps nothing.</param>
    public RawEventStore(int budgetBytes)
    {
        budgetBytes = Math.Max(0, budgetBytes);
        var records = Math.Max(1, budgetBytes / BudgetBytesPerRecord);
        _index = new Record[records];
        _buffer = new byte[Math.Max(0, budgetBytes - (records * System.Runtime.CompilerServices.Unsafe.SizeOf<Record>()))];
    }

    /// <summary>Bytes kept for messages (the budget less the index).</summary>
    public int CapacityBytes => _buffer.Length;

    /// <summary>
    /// Keeps a copy of one accepted message; returns its id, or 0 when nothing is kept (capture off, or a message
    /// larger than the whole budget). <paramref name="headers"/> are kept as text, one <c>name: value</c> per line.
    /// </summary>
    public long Capture(string subject, string identity, WireFormat format, DateTimeOffset receivedAt, IEnumerable<KeyValuePair<string, StringValues>>? headers, ReadOnlySpan<byte> body)
    {
        if (_buffer.Length == 0)
        {
            return 0;
        }

        var headerBytes = headers is null ? 0 : HeaderByteCount(headers);
        var subjectBytes = Encoding.UTF8.GetByteCount(subject);
        var identityBytes = Encoding.UTF8.GetByteCount(identity);
        var total = (long)subjectBytes + identityBytes + headerBytes + body.Length;
        if (total > _buffer.Length || subjectBytes > ushort.MaxValue || identityBytes > ushort.MaxValue)
        {
            return 0;
        }

        var prefix = subjectBytes + identityBytes + headerBytes;
        var scratch = prefix <= 1024 ? stackalloc byte[prefix] : new byte[prefix];
        var used = Encoding.UTF8.GetBytes(subject, scratch);
        used += Encoding.UTF8.GetBytes(identity, scratch[used..]);
        if (headers is not null)
        {
            WriteHeaders(headers, scratch[used..]);
        }

        var hash = string.GetHashCode(identity, StringComparison.Ordinal);
        lock (_lock)
        {
            var id = _nextId++;
            _firstCaptureTicks = Math.Min(_firstCaptureTicks, receivedAt.UtcTicks);
            var position = _written;
            Write(scratch);
            Write(body);
            _index[id % _index.Length] = new Record(id, position, receivedAt.UtcTicks, hash, (ushort)subjectBytes, (ushort)identityBytes, headerBytes, body.Length, format);
            return id;
        }
    }

    /// <summary>The message captured as <paramref name="id"/>, or why it cannot be shown.</summary>
    public RawEventLookup Find(long id)
    {
        if (id <= 0)
        {
            return RawEventLookup.NotCaptured;
        }

        lock (_lock)
        {
            if (id >= _nextId)
            {
                return RawEventLookup.NotCaptured;
            }

            var record = _index[id % _index.Length];
            if (!Retained(record, id))
            {
                return RawEventLookup.NoLongerRetained;
            }

            var bytes = Read(record.Position, record.SubjectBytes + record.IdentityBytes + record.HeaderBytes + record.BodyBytes);
            var at = 0;
            var subject = Encoding.UTF8.GetString(bytes, at, record.SubjectBytes);
            at += record.SubjectBytes + record.IdentityBytes;
            var headers = record.HeaderBytes == 0 ? null : Encoding.UTF8.GetString(bytes, at, record.HeaderBytes);
            at += record.HeaderBytes;
            return new RawEventLookup(new RawEvent(
                id,
                subject,
                record.Format,
                new DateTimeOffset(record.ReceivedAtUtcTicks, TimeSpan.Zero),
                headers,
                bytes[at..]));
        }
    }

    /// <summary>
    /// The capture of the message <paramref name="identity"/> sent that was received at <paramref name="receivedAt"/>
    /// (what a node's history entry, a transition or a check state records): a scan of the index, newest first, for
    /// on-demand lookups only.
    /// </summary>
    public RawEventLookup Find(string identity, DateTimeOffset receivedAt)
    {
        var ticks = receivedAt.UtcTicks;
        var hash = string.GetHashCode(identity, StringComparison.Ordinal);
        var wanted = Encoding.UTF8.GetBytes(identity);
        long id = 0;
        lock (_lock)
        {
            var oldest = Math.Max(1, _nextId - _index.Length);
            for (var candidate = _nextId - 1; candidate >= oldest; candidate--)
            {
                var record = _index[candidate % _index.Length];
                if (!Retained(record, candidate) || record.ReceivedAtUtcTicks < ticks - TimeSpan.TicksPerSecond)
                {
                    // Captures are in receipt order, give or take the NATS loops racing each other: nothing older can match.
                    break;
                }

                if (record.ReceivedAtUtcTicks == ticks && record.IdentityHash == hash && record.IdentityBytes == wanted.Length
                    && Read(record.Position + record.SubjectBytes, record.IdentityBytes).AsSpan().SequenceEqual(wanted))
                {
                    id = candidate;
                    break;
                }
            }

            if (id == 0)
            {
                // Received before the first capture: replayed from Choria Streams at start (replayed events are not captured).
                return ticks < _firstCaptureTicks - TimeSpan.TicksPerSecond ? RawEventLookup.Replayed
                    : _nextId > 1 ? RawEventLookup.NoLongerRetained : RawEventLookup.NotCaptured;
            }
        }

        return Find(id);
    }

    private bool Retained(in Record record, long id) => record.Id == id && record.Position >= _written - _buffer.Length;

    private void Write(ReadOnlySpan<byte> bytes)
    {
        var offset = (int)(_written % _buffer.Length);
        var first = Math.Min(bytes.Length, _buffer.Length - offset);
        bytes[..first].CopyTo(_buffer.AsSpan(offset));
        bytes[first..].CopyTo(_buffer);
        _written += bytes.Length;
    }

    private byte[] Read(long position, int length)
    {
        var result = new byte[length];
        var offset = (int)(position % _buffer.Length);
        var first = Math.Min(length, _buffer.Length - offset);
        _buffer.AsSpan(offset, first).CopyTo(result);
        _buffer.AsSpan(0, length - first).CopyTo(result.AsSpan(first));
        return result;
    }

    /// <summary>The headers as UTF-8 <c>name: value</c> lines, counted then written without building a string.</summary>
    private static int HeaderByteCount(IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        var count = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                count += Encoding.UTF8.GetByteCount(name) + 3 + Encoding.UTF8.GetByteCount(value ?? "");
            }
        }

        return count;
    }

    private static void WriteHeaders(IEnumerable<KeyValuePair<string, StringValues>> headers, Span<byte> target)
    {
        var at = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                at += Encoding.UTF8.GetBytes(name, target[at..]);
                target[at++] = (byte)':';
                target[at++] = (byte)' ';
                at += Encoding.UTF8.GetBytes(value ?? "", target[at..]);
                target[at++] = (byte)'\n';
            }
        }
    }

    /// <summary>Where one capture lies in the stream; no references, so the index costs the GC nothing to scan.</summary>
    private readonly record struct Record(long Id, long Position, long ReceivedAtUtcTicks, int IdentityHash, ushort SubjectBytes, ushort IdentityBytes, int HeaderBytes, int BodyBytes, WireFormat Format);
}
