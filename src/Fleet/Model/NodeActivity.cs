using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// The live part of one node: when it was last heard from, what it said last, and its recent events. Every
/// snapshot of the node shares this one object, and the fleet writer moves it forward in place; everything else in a
/// <see cref="NodeSnapshot"/> is immutable.
/// </summary>
/// <remarks>
/// <para>
/// Why it is not part of the immutable snapshot: the commonest event is an alive from a node already live on that
/// version, and it changes nothing but these; recording it in place allocates nothing, where a new snapshot per event
/// would live long enough for the GC to promote it (see docs/benchmarks.md).
/// </para>
/// <para>
/// Concurrency: one writer (the fleet store loop), any number of readers. <see cref="LastSeen"/> and
/// <see cref="LastEvent"/> are single values, each read whole (a reader may see one updated before the other).
/// The history is a ring of <c>limit + 2</c> entries of 16 bytes that only the writer writes; a reader copies the
/// newest entries and then checks that the writer did not reach any of them while it copied (a sequence check, as a
/// seqlock does), retrying in the rare case it did. Readers therefore always get a consistent copy, newest last, and
/// never block the writer.
/// </para>
/// </remarks>
internal sealed class NodeActivity
{
    /// <summary>Room past the newest <c>limit</c> entries, so a reader copying them is not overtaken by the next append.</summary>
    internal const int Slack = 2;

    /// <summary>Most nodes of a fleet that just started have one or two events: the ring starts small and doubles.</summary>
    private const int InitialCapacity = 4;

    private readonly HistoryDetails _details;
    private long _lastSeenUtcTicks;
    private long _heardAtTicks;
    private long _cadence;
    private int _lastEvent;
    private Packed[]? _ring;
    private long _appended;
    private int _limit;

    /// <param name="lastSeen">When the node was first heard from.</param>
    /// <param name="lastEvent">What it said.</param>
    /// <param name="details">The fleet's numbered detail strings, shared by all its nodes.</param>
    /// <param name="heardAt">When it was first heard from on the liveness clock (see <see cref="HeardAt"/>); <paramref name="lastSeen"/> when not given.</param>
    public NodeActivity(DateTimeOffset lastSeen, LifecycleEventType lastEvent, HistoryDetails details, DateTimeOffset? heardAt = null)
    {
        _lastSeenUtcTicks = lastSeen.UtcTicks;
        _heardAtTicks = (heardAt ?? lastSeen).UtcTicks;
        _lastEvent = (int)lastEvent;
        _details = details;
    }

    /// <summary>An activity that keeps no history details (for snapshots built outside the fleet).</summary>
    public NodeActivity(DateTimeOffset lastSeen, LifecycleEventType lastEvent)
        : this(lastSeen, lastEvent, HistoryDetails.None)
    {
    }

    /// <summary>When we last received an event from the node (receipt time), in UTC.</summary>
    public DateTimeOffset LastSeen => new(Volatile.Read(ref _lastSeenUtcTicks), TimeSpan.Zero);

    /// <summary>
    /// When we last received an event from the node on the liveness clock: the dashboard's monotonic clock, read as a
    /// time of day from the wall clock at start. Silences are measured on it, so a step of the wall clock neither
    /// freezes nor kills the node; <see cref="LastSeen"/> is what people read.
    /// </summary>
    public DateTimeOffset HeardAt => new(Volatile.Read(ref _heardAtTicks), TimeSpan.Zero);

    /// <summary>How often the node has been heard sending alive events (see <see cref="AliveCadence"/>).</summary>
    public AliveCadence Cadence => AliveCadence.Unpack(Volatile.Read(ref _cadence));

    /// <summary>The kind of the last event received from the node.</summary>
    public LifecycleEventType LastEvent => (LifecycleEventType)Volatile.Read(ref _lastEvent);

    /// <summary>How many events were ever recorded, including those the history no longer holds.</summary>
    public long Recorded => Volatile.Read(ref _appended);

    /// <summary>Entries the history's ring holds room for now: it starts small and doubles up to <c>Fleet:HistoryLength</c> + 2.</summary>
    internal int HistoryCapacity => Volatile.Read(ref _ring)?.Length ?? 0;

    /// <summary>A consistent copy of the newest events, newest last.</summary>
    public NodeHistory History
    {
        get
        {
            var spinner = default(SpinWait);
            while (true)
            {
                // The ring first, then the count: a ring replaced after this read is caught by the check below, and
                // a replacement ring always holds the newest entries up to the count it was published with.
                var ring = Volatile.Read(ref _ring);
                var appended = Volatile.Read(ref _appended);
                if (ring is null || appended == 0)
                {
                    return NodeHistory.Empty;
                }

                var limit = Volatile.Read(ref _limit);
                var count = (int)Math.Min(appended, limit);
                var first = appended - count;
                var raw = new Packed[count];
                for (var i = 0; i < count; i++)
                {
                    raw[i] = ring[(first + i) % ring.Length];
                }

                // No later read may move before the copy: this is the seqlock's validation.
                Interlocked.MemoryBarrier();

                // The writer may be writing entry number `now` (not yet counted), which overwrites entry `now - length`;
                // a ring that is not full-sized yet is never overwritten (the writer grows it instead).
                var now = Volatile.Read(ref _appended);
                if (ReferenceEquals(ring, Volatile.Read(ref _ring)) && (ring.Length < limit + Slack || now - ring.Length < first))
                {
                    // Only a validated copy is read further: a torn entry could name a detail not yet published.
                    var copy = new NodeHistoryEntry[count];
                    for (var i = 0; i < count; i++)
                    {
                        copy[i] = raw[i].ToEntry(_details);
                    }

                    return new NodeHistory(copy);
                }

                spinner.SpinOnce();
            }
        }
    }

    /// <summary>
    /// Writer only: the node sent <paramref name="entry"/>, received at <paramref name="receivedAt"/>; keep it among the
    /// newest <paramref name="limit"/> events (none when the limit is 0). The limit is <c>Fleet:HistoryLength</c>, the
    /// same for the life of the fleet.
    /// </summary>
    public void Record(DateTimeOffset receivedAt, NodeHistoryEntry entry, int limit) => Record(receivedAt, receivedAt, entry, limit);

    /// <summary>
    /// Writer only: as <see cref="Record(DateTimeOffset, NodeHistoryEntry, int)"/>, heard at <paramref name="heardAt"/>
    /// on the liveness clock.
    /// </summary>
    public void Record(DateTimeOffset receivedAt, DateTimeOffset heardAt, NodeHistoryEntry entry, int limit)
    {
        Volatile.Write(ref _lastEvent, (int)entry.Type);
        Volatile.Write(ref _lastSeenUtcTicks, receivedAt.UtcTicks);
        Volatile.Write(ref _heardAtTicks, heardAt.UtcTicks);
        if (limit <= 0)
        {
            return;
        }

        var appended = _appended;
        var ring = _ring;
        var full = limit + Slack;
        if (ring is null || (appended >= ring.Length && ring.Length < full))
        {
            ring = Grow(ring, appended, limit, full);
        }

        // Both halves with release stores: on a weakly ordered CPU a plain store could become visible before the
        // count published by the previous call, overtaking a reader the sequence check then wrongly accepts.
        ref var slot = ref ring[appended % ring.Length];
        Volatile.Write(ref slot.UtcTicks, entry.ReceivedAt.UtcTicks);
        Volatile.Write(ref slot.Rest, Packed.RestOf(_details.NumberOf(entry.Detail), entry.Type, entry.Format));
        Volatile.Write(ref _appended, appended + 1);
    }

    /// <summary>Writer only: the node's cadence after its latest alive (or startup).</summary>
    public void SetCadence(AliveCadence cadence) => Volatile.Write(ref _cadence, cadence.Pack());

    /// <summary>A bigger ring holding the newest entries at their new places, published before the next entry is written.</summary>
    private Packed[] Grow(Packed[]? ring, long appended, int limit, int full)
    {
        var size = ring is null ? Math.Min(InitialCapacity, full) : Math.Min(ring.Length * 2, full);
        var next = new Packed[size];
        if (ring is not null)
        {
            // Until the ring is full-sized nothing in it was overwritten: every entry moves.
            for (var seq = 0L; seq < appended; seq++)
            {
                next[seq % size] = ring[seq % ring.Length];
            }
        }
        else
        {
            Volatile.Write(ref _limit, limit);
        }

        Volatile.Write(ref _ring, next);
        return next;
    }

    /// <summary>
    /// A history entry as the ring stores it, in 16 bytes: the receipt time, and the detail's number in
    /// <see cref="HistoryDetails"/> (low 32 bits) with the event type and wire format above it.
    /// </summary>
    private struct Packed
    {
        public long UtcTicks;
        public long Rest;

        public static long RestOf(int detail, LifecycleEventType type, WireFormat format) =>
            (uint)detail | ((long)type << 32) | ((long)format << 40);

        public readonly NodeHistoryEntry ToEntry(HistoryDetails details) => new(
            new DateTimeOffset(UtcTicks, TimeSpan.Zero),
            (LifecycleEventType)(byte)(Rest >> 32),
            (WireFormat)(byte)(Rest >> 40),
            details[(int)(uint)Rest]);
    }
}
