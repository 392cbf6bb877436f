using System.ComponentModel.DataAnnotations;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>Restart recovery from Choria Streams (section <c>Replay</c>).</summary>
public sealed class ReplayOptions
{
    public const string Section = "Replay";

    /// <summary>Replay the streams at start. Off: the view fills as nodes send their next alive, as before.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The stream of lifecycle events (<c>choria.lifecycle.&gt;</c>); empty skips it.</summary>
    public string EventsStream { get; set; } = ChoriaStreams.Events;

    /// <summary>The stream of machine events (<c>choria.machine.&gt;</c>); empty skips it.</summary>
    public string MachineStream { get; set; } = ChoriaStreams.Machine;

    /// <summary>
    /// Replayed from <c>now - (Fleet:DeadAfter + Margin)</c>, capped at ForgetAfter; a <c>Fleet:Components</c> entry with
    /// a longer window has its own lifecycle events replayed from <c>now - (its DeadAfter + Margin)</c>. Nodes silent for
    /// up to that long before the start come back as stale or dead; nodes silent for longer do not come back at all.
    /// </summary>
    public TimeSpan Margin { get; set; } = TimeSpan.FromMinutes(40);

    /// <summary>
    /// Create the two streams when they are absent (for plain NATS without Choria Streams). Off by default: the
    /// dashboard is passive. The user then needs the rights to create streams.
    /// </summary>
    public bool CreateStreams { get; set; }

    /// <summary>How long streams the dashboard creates keep events (Choria Streams' own default is a day).</summary>
    public TimeSpan CreatedStreamMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Messages shared by the replay and live delivery remembered while the replay runs (live ones the replay has yet to
    /// reach, and replayed ones a lagging live loop has yet to deliver), to apply each once; beyond, a message both bring
    /// may be applied twice (it moves no node back in time).
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxOverlapMessages { get; set; } = 65_536;

    /// <summary>Messages asked of the broker per pull while replaying; keep it below <c>Nats:PendingMessagesLimit</c>.</summary>
    [Range(1, 100_000)]
    public int PullBatchSize { get; set; } = 4096;

    /// <summary>
    /// Bytes of stream messages asked of the broker per pull (besides at most <see cref="PullBatchSize"/> messages): whatever the
    /// streams hold (a flood of megabyte messages), a pull costs at most this much memory, and a read holds at most
    /// <see cref="PullsInFlight"/> pulls at once. Raised by itself to the
    /// broker's largest message (its <c>max_payload</c>, plus room for subject and headers) when that is larger, or
    /// no message that size could ever be read.
    /// </summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int PullMaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Pulls a read holds at once: the one being decoded and handed to the fleet writer, those already arrived, and the
    /// one the broker is sending. 2 or more lets the broker send the next pull while the last is applied; 1 asks for the
    /// next only once the last was applied. Replayed messages held at once are at most this many times
    /// <see cref="PullMaxBytes"/> (and <see cref="PullBatchSize"/> messages) per read.
    /// </summary>
    public int PullsInFlight { get; set; } = 2;

    /// <summary>
    /// Times in a row a stream's replay may be interrupted (broker failover or restart, consumer deleted, no answer within
    /// <see cref="StallTimeout"/>) without bringing a single new message before the replay is given up. An interrupted
    /// replay resumes after the last message it applied; node states stay frozen meanwhile.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before resuming an interrupted replay; doubled after each further interruption, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An attempt that brings no message from the broker for this long is abandoned and resumed (not counting time spent waiting for the fleet writer).</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
