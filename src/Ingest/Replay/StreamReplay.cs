using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// Restart recovery: replays Choria Streams (<c>CHORIA_EVENTS</c>, <c>CHORIA_MACHINE</c>) from
/// <c>now - (Fleet:DeadAfter + Replay:Margin)</c> with one ordered, ephemeral consumer per stream (plus one consumer
/// filtered to each component with longer thresholds, for its older lifecycle events), applying each event
/// with the stream's timestamp as its receipt time, while the live subscriptions already run.
/// <para>
/// No gap, no double counts: <see cref="PrepareAsync"/> notes each stream's last sequence before the live subscriptions
/// exist; <see cref="RunAsync"/> starts once they are in place and replays up to the last sequence then. A replayed
/// message up to the first mark cannot have come live; one after it is applied unless the live subscription already
/// delivered it, and when the replay applies it first the live loop skips its copy (<see cref="LiveOverlap"/>). Live events overtake replayed ones; the fleet's rules take a replayed event
/// older than what a node already has as superseded (<see cref="ApplyOutcome.Superseded"/>), so nothing moves back in time.
/// </para>
/// Plain NATS without JetStream, a missing stream, or no rights on it: the dashboard carries on as without replay,
/// and says why in the log and on the page. A stream the broker cannot locate just then (503 from a JetStream cluster
/// without a leader, no answer, the connection lost) does not hold the live subscriptions back: the replay locates it
/// later, retrying as for a broken read, and checks its messages from shortly before the live subscriptions started
/// against what they delivered (<see cref="Plan.MayHaveComeLive"/>).
/// <para>
/// A read that breaks off (broker failover or restart, consumer deleted, no answer) resumes after the last message it
/// applied (<c>StreamReplay.Resume.cs</c>); node states stay frozen meanwhile. One that cannot be resumed is given up:
/// the view says so, and the time it did not bring counts as deaf time, so liveness never judges half a history.
/// </para>
/// </summary>
public sealed partial class StreamReplay
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly INatsConnection _connection;
    private readonly IFleetWriter _fleet;
    private readonly ChoriaEventDecoder _decoder;
    private readonly IngestCounters _counters;
    private readonly BrokerConnectionMonitor _monitor;
    private readonly ReplayOptions _options;
    private readonly TimeSpan _window;
    private readonly IReadOnlyList<(string Component, TimeSpan Window)> _longer;
    private readonly TimeProvider _time;
    private readonly ILogger<StreamReplay> _logger;
    private readonly LiveOverlap _overlap;
    private readonly ReplayTimings _timings = new();
    private readonly List<Plan> _plans = [];
    private readonly List<string> _unavailable = [];
    private long _replayed;
    private long _total;
    private DateTimeOffset _from;
    private DateTimeOffset _startedAt;
    private int _finished;
    private int _mostPullsHeld;
    /// <summary>Bytes asked per pull: <c>Replay:PullMaxBytes</c>, or more when the broker allows larger messages.</summary>
    private int _pullBytes = 8 * 1024 * 1024;

    public StreamReplay(
        INatsConnection connection,
        IFleetWriter fleet,
        ChoriaEventDecoder decoder,
        IngestCounters counters,
        BrokerConnectionMonitor monitor,
        IOptions<ReplayOptions> options,
        IOptions<FleetOptions> fleetOptions,
        TimeProvider time,
        ILogger<StreamReplay> logger)
    {
        _connection = connection;
        _fleet = fleet;
        _decoder = decoder;
        _counters = counters;
        _monitor = monitor;
        _options = options.Value;
        _window = fleetOptions.Value.FleetReplayWindow(_options.Margin);
        _longer = fleetOptions.Value.LongerReplayWindows(_options.Margin);
        _time = time;
        _logger = logger;
        _overlap = new LiveOverlap(_options.MaxOverlapMessages, time);
    }

    /// <summary>The most pulls one read of the last replay held at once (bounded by <c>Replay:PullsInFlight</c>).</summary>
    internal int MostPullsHeld => Volatile.Read(ref _mostPullsHeld);

    /// <summary>Stream messages handed to the fleet by the last replay.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>
    /// Called by the live loops for every message: remembered while a replay runs, to apply it once. True when the
    /// replay already applied this message (the live loop lagged behind it): the live loop skips it.
    /// </summary>
    public bool SeenLive(string subject, ReadOnlySpan<byte> payload, NatsHeaders? headers) => _overlap.Seen(subject, payload, headers);

    /// <summary>
    /// Before the live subscriptions: says a replay is coming (node states freeze), waits for the connection, and
    /// notes where each stream ends now. Never throws but for cancellation.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            _fleet.ReportReplay(ReplayStatus.Off);
            return;
        }

        _startedAt = _time.GetUtcNow();
        _fleet.ReportReplay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 0, _startedAt, null)));
        await WaitConnectedAsync(cancellationToken);
        _from = _time.GetUtcNow() - _window;
        var js = new NatsJSContext(_connection);
        // Both at once: without rights on $JS.API each waits for the request timeout, and the live subscriptions wait for this.
        var streams = new[] { (_options.EventsStream, ChoriaStreams.EventsSubjects), (_options.MachineStream, ChoriaStreams.MachineSubjects) }
            .Where(s => !string.IsNullOrWhiteSpace(s.Item1))
            .Select(s => MarkAsync(js, s.Item1, s.Item2, cancellationToken))
            .ToArray();
        foreach (var plan in await Task.WhenAll(streams))
        {
            if (plan is not null)
            {
                _plans.Add(plan);
            }
        }

        if (_plans.Count > 0)
        {
            _overlap.Start();
        }

        // The live subscriptions start once this returns: a stream located late may have taken from here on what they deliver.
        var suspectFrom = _time.GetUtcNow() - Plan.ClockAllowance;
        foreach (var plan in _plans.Where(p => p.StartSeq is null))
        {
            plan.SuspectFrom = suspectFrom;
        }
    }

    /// <summary>
    /// Once the live subscriptions are in place: replays each stream up to where it ends now, resuming a read that broke
    /// off after the last message it applied, then reports that the replay caught up (liveness is judged from then on),
    /// or, when a read could not be resumed, that it was given up and which time it did not bring. Never throws but for
    /// cancellation.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var cursors = new List<Cursor>();
        DateTimeOffset? cutAt = null;
        try
        {
            if (_plans.Count == 0)
            {
                Finish(null, cursors);
                return;
            }

            await WaitSubscribedAsync(cancellationToken);
            await PingAsync(cancellationToken);
            var js = new NatsJSContext(_connection);
            cutAt = _time.GetUtcNow();
            _pullBytes = PullBytes();
            var watch = Stopwatch.StartNew();
            var startedAt = DateTime.UtcNow;
            var runs = new List<Task>();
            foreach (var plan in _plans)
            {
                var cursor = new Cursor(plan.Stream, plan.Stream, _from, cutAt.Value);
                cursors.Add(cursor);
                runs.Add(ReadResumingAsync(cursor, (c, w) => ReadStreamAsync(js, plan, c, w, cancellationToken), cancellationToken));
                if (plan.Stream != _options.EventsStream)
                {
                    continue;
                }

                foreach (var (component, window) in _longer)
                {
                    var from = cutAt.Value - window;
                    if (from < _from && ChoriaSubjects.IsSubjectToken(component))
                    {
                        var older = new Cursor(plan.Stream, $"{plan.Stream} ({component})", from, _from);
                        cursors.Add(older);
                        runs.Add(ReadResumingAsync(older, (c, w) => ReadOlderAsync(js, plan.Stream, component, c, w, cancellationToken), cancellationToken));
                    }
                }
            }

            // The reporter ends before Finish reports the end, so a late progress report cannot follow it.
            using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporter = ReportProgressAsync(reporting.Token);
            try
            {
                await Task.WhenAll(runs);
            }
            finally
            {
                await reporting.CancelAsync();
                await reporter;
            }

            _logger.LogInformation("Replayed {Replayed} messages from {Streams} in {Elapsed} ms", Replayed, string.Join(", ", _plans.Select(p => p.Stream)), watch.ElapsedMilliseconds);
            _logger.LogDebug("The replay started {SinceStart} ms after the process started; {Timings}", (long)(startedAt - Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds, _timings);
            Finish(cutAt, cursors);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A bug outside the resumable reads. Liveness must not resume on half a history: what was not read counts as
            // deaf time, as for a read given up.
            _logger.LogError(e, "Replaying Choria Streams failed after {Replayed} messages", Replayed);
            Finish(cutAt ?? _time.GetUtcNow(), cursors, $"replay failed: {Describe(e, string.Join(", ", _plans.Select(p => p.Stream)))}");
        }
        finally
        {
            _overlap.Stop();
        }
    }

    /// <summary>Keeps the most pulls one read held at once.</summary>
    private void NoteHeld(int held)
    {
        for (var most = Volatile.Read(ref _mostPullsHeld); held > most; most = Volatile.Read(ref _mostPullsHeld))
        {
            if (Interlocked.CompareExchange(ref _mostPullsHeld, held, most) == most)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A round trip, so the broker has taken our subscriptions before we ask where the streams end. A broker gone at this
    /// moment is no reason to give up: the reads wait for it, and the time cut off counts as deaf time anyway.
    /// </summary>
    private async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.PingAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug(e, "The round trip before replaying failed; replaying anyway");
        }
    }

    /// <summary><c>Replay:PullMaxBytes</c>, or the broker's largest message and room for its subject and headers if that is more.</summary>
    private int PullBytes()
    {
        var largest = (long)(_connection.ServerInfo?.MaxPayload ?? 0) + (64 * 1024);
        return (int)Math.Min(int.MaxValue, Math.Max(_options.PullMaxBytes, largest));
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken) && Volatile.Read(ref _finished) == 0)
            {
                _fleet.ReportReplay(new ReplayStatus(ReplayState.Replaying, Progress()));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private ReplayProgress Progress()
    {
        var replayed = Replayed;
        var total = Math.Max(Interlocked.Read(ref _total), replayed);
        var elapsed = _time.GetUtcNow() - _startedAt;
        TimeSpan? left = replayed > 0 && elapsed > TimeSpan.Zero ? elapsed * ((double)(total - replayed) / replayed) : null;
        return new ReplayProgress(replayed, total, _startedAt, left)
        {
            Interruptions = Volatile.Read(ref _interruptions),
            Resuming = Volatile.Read(ref _resuming),
        };
    }

    /// <param name="failure">Why the replay as a whole failed; null when each read ended by itself (complete or given up).</param>
    private void Finish(DateTimeOffset? cutAt, IReadOnlyList<Cursor> cursors, string? failure = null)
    {
        Volatile.Write(ref _finished, 1);
        var reason = _unavailable.Count == 0 ? null : string.Join("; ", _unavailable);
        if (_overlap.Overflowed > 0)
        {
            _logger.LogWarning("{Overflowed} messages shared by the replay and live delivery went beyond Replay:MaxOverlapMessages; they may have been applied twice", _overlap.Overflowed);
        }

        var givenUp = cursors.Where(c => c.GivenUp is not null).ToList();
        if (cutAt is { } end && (failure is not null || givenUp.Count > 0))
        {
            // What the replay did not bring counts as deaf time: a node whose later events were not replayed is judged
            // on the silence heard since, not taken for silent, so on-call staff see no wave of false stale or dead nodes.
            var unread = failure is null ? givenUp : [.. cursors.Where(c => !c.Complete)];
            IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> unheard = cursors.Count == 0
                ? [(_from, end)]
                : [.. unread.Select(c => c.Unheard).Where(u => u.From < u.To)];
            var why = string.Join("; ", new[] { failure }.Concat(givenUp.Select(c => c.Describe())).Append(reason).OfType<string>());
            _logger.LogWarning(
                "Gave up replaying Choria Streams ({Why}). Node states are judged from now on; the time not replayed counts as deaf time, so no node turns stale or dead for events the replay could not bring",
                why);
            _fleet.ReportReplay(new ReplayStatus(ReplayState.GivenUp, Progress(), why, _from, end) { Unheard = unheard });
            return;
        }

        // Caught up: every stream there is was replayed (possibly none, e.g. just created); unavailable: none could be.
        _fleet.ReportReplay(cutAt is { } until
            ? new ReplayStatus(ReplayState.CaughtUp, Progress(), reason, _from, until)
            : reason is null ? new ReplayStatus(ReplayState.CaughtUp, Progress(), null)
            : new ReplayStatus(ReplayState.Unavailable, null, reason));
    }
}
