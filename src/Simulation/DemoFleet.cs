using System.Collections.Immutable;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Simulation;

/// <summary>
/// A deterministic simulated Choria fleet: nodes start, send alive, crash without a word, restart, stop for
/// maintenance, get provisioned and upgraded, and run nagios checks. <see cref="Tick"/> returns what the fleet sends
/// up to a moment; publishing is someone else's job, so the same fleet drives the demo, tests and the load generator.
/// </summary>
public sealed class DemoFleet
{
    private static readonly string[] Sites = ["ams1", "lon2", "nyc3", "sin1", "fra4"];
    private static readonly string[] Checks = ["check_httpd", "check_load", "check_disk"];

    private readonly DemoOptions _options;
    private readonly Random _random;
    private readonly SimNode[] _nodes;
    private DateTimeOffset _lastTick;

    public DemoFleet(DemoOptions options, DateTimeOffset start)
    {
        _options = options;
        _random = new Random(options.Seed);
        _lastTick = start;
        _nodes = new SimNode[options.Nodes];
        var spread = options.StartupSpread.Ticks;
        for (var i = 0; i < _nodes.Length; i++)
        {
            var roll = _random.Next(100);
            var format = roll < options.LegacyPercent ? WireFormat.Legacy
                : roll < options.LegacyPercent + options.BinaryPercent ? WireFormat.CloudEventBinary
                : WireFormat.CloudEventStructured;
            var provisioning = i % 97 == 5; // a few nodes arrive unprovisioned
            _nodes[i] = new SimNode
            {
                Identity = $"node{i:00000}.{Sites[i % Sites.Length]}.example.net",
                Format = format,
                Version = _random.Next(100) < 70 ? options.OldVersion : options.NewVersion,
                Component = provisioning ? ChoriaComponents.ProvisionModeServer : ChoriaComponents.Server,
                HasChecks = _random.Next(100) < options.ChecksPercent,
                Phase = Phase.Down,
                NextAction = start + TimeSpan.FromTicks(spread <= 0 ? 0 : _random.NextInt64(spread)),
                MachineId = NewId(),
            };
        }
    }

    public int NodeCount => _nodes.Length;

    public IReadOnlyList<string> Identities => [.. _nodes.Select(n => n.Identity)];

    /// <summary>Advances the fleet to <paramref name="now"/> and returns the events sent meanwhile, in order.</summary>
    public IReadOnlyList<ChoriaEvent> Tick(DateTimeOffset now)
    {
        var events = new List<ChoriaEvent>();
        var minutes = Math.Max(0, (now - _lastTick).TotalMinutes);
        _lastTick = now;
        foreach (var node in _nodes)
        {
            if (node.Phase == Phase.Up)
            {
                MaybeDisrupt(node, now, minutes, events);
            }

            while (node.NextAction <= now)
            {
                Act(node, now, events);
            }
        }

        return events;
    }

    private void MaybeDisrupt(SimNode node, DateTimeOffset now, double minutes, List<ChoriaEvent> events)
    {
        double Chance(int perMille) => perMille / 1000.0 * minutes;
        if (_random.NextDouble() < Chance(_options.CrashPerMille))
        {
            // A crash sends nothing: the dashboard must notice the silence.
            node.Phase = Phase.Down;
            node.NextAction = now + Scale(4 + _random.Next(8));
        }
        else if (_random.NextDouble() < Chance(_options.RestartPerMille))
        {
            events.Add(Lifecycle<ShutdownEvent>(node, now));
            node.Phase = Phase.Down;
            node.NextAction = now + (_random.Next(3) == 0 ? Scale(6) : TimeSpan.FromSeconds(2 + _random.Next(5)));
        }
        else if (node.Version != _options.NewVersion && node.Component == ChoriaComponents.Server && _random.NextDouble() < Chance(_options.UpgradePerMille))
        {
            // go-choria's release_update runs only in provisioning mode: the server restarts into it first.
            events.Add(Lifecycle<ShutdownEvent>(node, now));
            node.Component = ChoriaComponents.ProvisionModeServer;
            node.UpgradePending = true;
            node.Phase = Phase.Down;
            node.NextAction = now + TimeSpan.FromSeconds(1 + _random.Next(3));
        }
    }

    private void Act(SimNode node, DateTimeOffset now, List<ChoriaEvent> events)
    {
        if (node.Phase == Phase.Down)
        {
            node.Phase = Phase.Up;
            node.AliveId = NewId();
            node.StartedAt = now;
            events.Add(Stamp(new StartupEvent
            {
                Protocol = ChoriaProtocol.Startup,
                Id = node.AliveId,
                Identity = node.Identity,
                Component = node.Component,
                Timestamp = now,
                Version = node.Version,
            }, node));

            if (node.UpgradePending)
            {
                // The provisioner upgrades it: upgraded (from provision_mode_server), shutdown, a startup on the new version.
                node.UpgradePending = false;
                events.Add(Stamp(new UpgradedEvent
                {
                    Protocol = ChoriaProtocol.Upgraded,
                    Id = NewId(),
                    Identity = node.Identity,
                    Component = node.Component,
                    Timestamp = now,
                    Version = node.Version,
                    NewVersion = _options.NewVersion,
                }, node));
                events.Add(Lifecycle<ShutdownEvent>(node, now));
                node.Version = _options.NewVersion;
                node.Phase = Phase.Down;
                node.NextAction = now + TimeSpan.FromSeconds(1 + _random.Next(3));
                return;
            }

            if (node.Component == ChoriaComponents.ProvisionModeServer)
            {
                // Provisioning: provisioned, shutdown, then a startup as a normal server.
                events.Add(Lifecycle<ProvisionedEvent>(node, now));
                events.Add(Lifecycle<ShutdownEvent>(node, now));
                node.Component = ChoriaComponents.Server;
                node.Phase = Phase.Down;
                node.NextAction = now + TimeSpan.FromSeconds(3);
                return;
            }

            if (node.HasChecks)
            {
                // A Scout check announces itself before its first run: NOTCHECKED, no output, never checked.
                AnnounceNotChecked(node, now, events);
            }

            // Choria sends the first alive after a random delay, then at a steady interval.
            node.NextAction = now + TimeSpan.FromTicks(_random.NextInt64(_options.AliveInterval.Ticks));
            return;
        }

        // Alive: the same id and timestamp every time, as go-choria does.
        events.Add(Stamp(new AliveEvent
        {
            Protocol = ChoriaProtocol.Alive,
            Id = node.AliveId,
            Identity = node.Identity,
            Component = node.Component,
            Timestamp = node.StartedAt,
            Version = node.Version,
        }, node));
        if (node.HasChecks)
        {
            AddChecks(node, now, events);
        }

        node.NextAction += _options.AliveInterval;
        if (node.NextAction <= now)
        {
            node.NextAction = now + _options.AliveInterval;
        }
    }

    private void AddChecks(SimNode node, DateTimeOffset now, List<ChoriaEvent> events)
    {
        var format = node.Format == WireFormat.CloudEventBinary ? WireFormat.CloudEventBinary : WireFormat.CloudEventStructured;
        foreach (var check in Checks)
        {
            var roll = _random.Next(100);
            var code = roll < 90 ? 0 : roll < 95 ? 1 : roll < 99 ? 2 : 3;
            var status = code switch { 0 => "OK", 1 => "WARNING", 2 => "CRITICAL", _ => "UNKNOWN" };
            var previous = node.CheckCodes.GetValueOrDefault(check);
            node.CheckCodes[check] = code;
            if (previous != code)
            {
                events.Add(new MachineTransitionEvent
                {
                    Protocol = ChoriaProtocol.Transition,
                    Id = node.MachineId,
                    Identity = node.Identity,
                    Timestamp = now,
                    Machine = check,
                    MachineVersion = "1.0.0",
                    Transition = status,
                    FromState = StateName(previous),
                    ToState = StateName(code),
                    Format = format,
                });
            }

            events.Add(NagiosState(node, check, now) with
            {
                Plugin = $"/usr/lib64/nagios/plugins/{check}",
                Status = status,
                StatusCode = code,
                Output = $"{check.ToUpperInvariant()} {status}: simulated | value={roll}",
                CheckTime = now,
                RuntimeSeconds = 0.012,
                PerfData = [new NagiosPerfData("value", roll, "")],
                History = [new NagiosHistoryItem(now, code)],
            });
        }
    }

    private static void AnnounceNotChecked(SimNode node, DateTimeOffset now, List<ChoriaEvent> events)
    {
        foreach (var check in Checks)
        {
            if (node.CheckCodes.ContainsKey(check))
            {
                continue;
            }

            events.Add(NagiosState(node, check, now));
        }
    }

    /// <summary>A check's state as Scout announces it before its first run (NOTCHECKED, no output); results are made from it with <c>with</c>.</summary>
    private static NagiosWatcherState NagiosState(SimNode node, string check, DateTimeOffset now) => new()
    {
        Protocol = ChoriaProtocol.NagiosState,
        Id = node.MachineId,
        Identity = node.Identity,
        Timestamp = now,
        Machine = check,
        MachineVersion = "1.0.0",
        WatcherType = WatcherTypes.Nagios,
        Name = "check",

        // Autonomous agents always publish CloudEvents; binary-mode nodes of the demo keep their mode.
        Format = node.Format == WireFormat.CloudEventBinary ? WireFormat.CloudEventBinary : WireFormat.CloudEventStructured,
        Plugin = "",
        Status = "NOTCHECKED",
        StatusCode = 5,
        Output = "",
        CheckTime = null,
    };

    /// <summary>A UUID from the seeded random source, so the same seed gives the same ids.</summary>
    private string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }

    private static string StateName(int code) => code switch { 0 => "ok", 1 => "warning", 2 => "critical", _ => "unknown" };

    private TimeSpan Scale(int aliveIntervals) => _options.AliveInterval * aliveIntervals / 2;

    private T Lifecycle<T>(SimNode node, DateTimeOffset now)
        where T : LifecycleEvent
    {
        LifecycleEvent evt = typeof(T) == typeof(ShutdownEvent)
            ? new ShutdownEvent { Protocol = ChoriaProtocol.Shutdown, Id = NewId(), Identity = node.Identity, Component = node.Component, Timestamp = now }
            : new ProvisionedEvent { Protocol = ChoriaProtocol.Provisioned, Id = NewId(), Identity = node.Identity, Component = node.Component, Timestamp = now };
        return (T)Stamp(evt, node);
    }

    private static LifecycleEvent Stamp(LifecycleEvent evt, SimNode node) => evt with { Format = node.Format };

    private enum Phase
    {
        Down,
        Up,
    }

    private sealed class SimNode
    {
        public required string Identity { get; init; }

        public required WireFormat Format { get; init; }

        public required string Version { get; set; }

        public required string Component { get; set; }

        public required bool HasChecks { get; init; }

        public required string MachineId { get; init; }

        public Phase Phase { get; set; }

        public DateTimeOffset NextAction { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public string AliveId { get; set; } = "";

        /// <summary>Restarted into provisioning mode to be upgraded; the upgrade comes with its next startup.</summary>
        public bool UpgradePending { get; set; }

        public Dictionary<string, int> CheckCodes { get; } = [];
    }
}
