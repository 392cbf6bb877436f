using ChoriaDashboard.Events;
using ChoriaDashboard.TestKit;

namespace ChoriaDashboard.Bench.Day;

/// <summary>What the simulated day does besides the steady alives and checks; rates are per simulated hour.</summary>
internal sealed record DayScenario
{
    /// <summary>Server nodes at the start, all sending from the first minute (the dashboard starts into a running fleet).</summary>
    public int Nodes { get; init; } = 100_000;

    /// <summary>Simulated hours.</summary>
    public int Hours { get; init; } = 30;

    /// <summary>One simulated step: the events due in it are queued, then the clock moves on by it.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Nodes that send shutdown, then startup 30-60 s later, per hour.</summary>
    public int RestartsPerHour { get; init; } = 300;

    /// <summary>Nodes that fall silent for good (no shutdown), per hour.</summary>
    public int DeathsPerHour { get; init; } = 300;

    /// <summary>New nodes that appear (startup, then alives), per hour.</summary>
    public int NewNodesPerHour { get; init; } = 300;

    /// <summary>The rolling upgrade of every node to <see cref="SimulatedFleet.NewVersion"/>: from this hour ...</summary>
    public int UpgradeFromHour { get; init; } = 3;

    /// <summary>... to this one.</summary>
    public int UpgradeUntilHour { get; init; } = 11;

    /// <summary>Governor events (enter and exit of a Puppet run slot) per hour.</summary>
    public int GovernorEventsPerHour { get; init; } = 600;

    /// <summary>Share of the nodes on a version before 0.29 (hourly alives) until the upgrade, in percent.</summary>
    public int HourlyPercent { get; init; } = 10;

    /// <summary>One node in this many runs a nagios check every 5 minutes.</summary>
    public int CheckEvery { get; init; } = 5;

    public int Seed { get; init; } = 22;
}

/// <summary>
/// The fleet of the simulated day as the senders see it: every node's schedule (alive every 30 minutes, or hourly
/// before 0.29, at its own offset; a nagios check every 5 minutes on one node in five), and the day's restarts, upgrade,
/// deaths, new nodes and governor events. <see cref="EventsDue"/> hands out the events of one step in the order the
/// nodes would send them. Deterministic for a seed.
/// </summary>
internal sealed class SimulatedFleet
{
    public const string OldVersion = "0.29.4";
    public const string HourlyVersion = "0.28.9";
    public const string NewVersion = "0.30.0";
    private const string CheckMachine = "check_disk";
    private const string CheckName = "check";
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(5);

    private readonly DayScenario _scenario;
    private readonly Random _random;
    private readonly List<SimNode> _nodes = [];
    private readonly List<int> _up = [];
    private double _restartDebt;
    private double _deathDebt;
    private double _newDebt;
    private double _governorDebt;
    private int _upgradeCursor;
    private ulong _governorSequence;

    public SimulatedFleet(DayScenario scenario)
    {
        _scenario = scenario;
        _random = new Random(scenario.Seed);
        for (var i = 0; i < scenario.Nodes; i++)
        {
            var hourly = _random.Next(100) < scenario.HourlyPercent;
            var interval = hourly ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(30);
            var node = new SimNode(TestEvents.Identity(i), hourly ? HourlyVersion : OldVersion, interval)
            {
                // First heard at a random point of its interval: the fleet was running before the dashboard started.
                NextAlive = TimeSpan.FromSeconds(_random.Next((int)interval.TotalSeconds)),
                HasCheck = i % scenario.CheckEvery == 0,
                NextCheck = TimeSpan.FromSeconds(_random.Next((int)CheckInterval.TotalSeconds)),
            };
            _nodes.Add(node);
        }
    }

    /// <summary>Every node ever simulated, in identity order; dead ones included.</summary>
    public IReadOnlyList<SimNode> Nodes => _nodes;

    /// <summary>Nodes that fell silent for good, with when they last sent (time since the start).</summary>
    public IEnumerable<SimNode> Dead => _nodes.Where(n => n.Phase == SimPhase.Dead);

    /// <summary>
    /// The events due in the step starting at <paramref name="t"/> (time since the start), sent at <paramref name="now"/>.
    /// Disruptions are drawn at the start of each step, the steady traffic after.
    /// </summary>
    public void EventsDue(TimeSpan t, DateTimeOffset now, List<ChoriaEvent> events)
    {
        var step = _scenario.Step;
        var perStep = step / TimeSpan.FromHours(1);
        Disrupt(t, now, perStep, events);

        foreach (var node in _nodes)
        {
            if (node.Phase == SimPhase.Dead)
            {
                continue;
            }

            if (node.Phase == SimPhase.Down)
            {
                if (node.StartAt <= t)
                {
                    // go-choria sends alives every interval from its process start.
                    node.Phase = SimPhase.Up;
                    node.LastSent = t;
                    node.NextAlive = t + node.Interval;
                    events.Add(TestEvents.Startup(node.Identity, node.Version) with { Timestamp = now });
                }

                continue;
            }

            if (node.NextAlive <= t)
            {
                node.NextAlive += node.Interval;
                node.LastSent = t;
                node.Heard = true;
                events.Add(TestEvents.Alive(node.Identity, node.Version) with { Timestamp = now });
            }

            if (node.HasCheck && node.NextCheck <= t)
            {
                node.NextCheck += CheckInterval;
                Check(node, t, now, events);
            }
        }
    }

    /// <summary>The nodes up now (sending on schedule) and heard from at least once, which the view must show live.</summary>
    public IEnumerable<SimNode> Up => _nodes.Where(n => n.Phase == SimPhase.Up && n.Heard);

    private void Disrupt(TimeSpan t, DateTimeOffset now, double perStep, List<ChoriaEvent> events)
    {
        _up.Clear();
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i].Phase == SimPhase.Up)
            {
                _up.Add(i);
            }
        }

        foreach (var _ in Due(ref _restartDebt, _scenario.RestartsPerHour * perStep))
        {
            if (PickUp() is { } node)
            {
                Restart(node, node.Version, t, now, events);
            }
        }

        foreach (var _ in Due(ref _deathDebt, _scenario.DeathsPerHour * perStep))
        {
            if (PickUp() is { } node)
            {
                // Silent for good: no shutdown, nothing more.
                node.Phase = SimPhase.Dead;
            }
        }

        foreach (var _ in Due(ref _newDebt, _scenario.NewNodesPerHour * perStep))
        {
            var node = new SimNode(TestEvents.Identity(_nodes.Count), NewVersion, TimeSpan.FromMinutes(30))
            {
                Phase = SimPhase.Up,
                NextAlive = t + TimeSpan.FromMinutes(30),
                HasCheck = _nodes.Count % _scenario.CheckEvery == 0,
                NextCheck = t + CheckInterval,
                LastSent = t,
                LastCheck = t,
            };
            node.Heard = true;
            _nodes.Add(node);
            events.Add(TestEvents.Startup(node.Identity, node.Version) with { Timestamp = now });
        }

        // The rolling upgrade walks the initial nodes in order, evenly over its hours: shutdown, then a startup on the
        // new version, which sends alives every 30 minutes.
        var from = TimeSpan.FromHours(_scenario.UpgradeFromHour);
        var until = TimeSpan.FromHours(_scenario.UpgradeUntilHour);
        if (t >= from && _upgradeCursor < _scenario.Nodes)
        {
            var target = t >= until ? _scenario.Nodes : (int)Math.Ceiling(_scenario.Nodes * ((t - from + _scenario.Step) / (until - from)));
            for (; _upgradeCursor < Math.Min(target, _scenario.Nodes); _upgradeCursor++)
            {
                var node = _nodes[_upgradeCursor];
                if (node.Phase == SimPhase.Up && node.Version != NewVersion)
                {
                    node.Interval = TimeSpan.FromMinutes(30);
                    Restart(node, NewVersion, t, now, events);
                }
            }
        }

        foreach (var _ in Due(ref _governorDebt, _scenario.GovernorEventsPerHour * perStep))
        {
            if (PickUp() is { } node)
            {
                var type = (_governorSequence & 1) == 0 ? "enter" : "exit";
                events.Add(TestEvents.Governor(node.Identity, "PUPPET", type, "server", ++_governorSequence) with { Timestamp = now });
            }
        }
    }

    private void Restart(SimNode node, string version, TimeSpan t, DateTimeOffset now, List<ChoriaEvent> events)
    {
        events.Add(TestEvents.Shutdown(node.Identity) with { Timestamp = now });
        node.Phase = SimPhase.Down;
        node.Version = version;
        node.LastSent = t;

        // Back one or two steps later (30-60 s at the default step).
        node.StartAt = t + (_scenario.Step * (1 + _random.Next(2)));
        node.Restarts++;
    }

    /// <summary>A nagios result: most nodes pass; a few start failing for 1-6 runs (a transition each way), then recover.</summary>
    private void Check(SimNode node, TimeSpan t, DateTimeOffset now, List<ChoriaEvent> events)
    {
        var previous = node.CheckCode;
        if (node.FailingRuns > 0)
        {
            node.FailingRuns--;
            node.CheckCode = node.FailingRuns == 0 ? 0 : previous;
        }
        else if (_random.Next(1000) < 3)
        {
            node.FailingRuns = 1 + _random.Next(6);
            node.CheckCode = _random.Next(3) == 0 ? 1 : 2;
        }

        if (node.CheckCode != previous)
        {
            events.Add(TestEvents.Transition(node.Identity, CheckMachine, StateName(previous), StateName(node.CheckCode), node.CheckCode == 0 ? "OK" : "FAILING") with { Timestamp = now });
        }

        events.Add(TestEvents.Nagios(node.Identity, CheckMachine, node.CheckCode, node.CheckCode == 0 ? "DISK OK - free space: / 61%" : "DISK CRITICAL - free space: / 3%", CheckName) with
        {
            Timestamp = now,
            CheckTime = now,
            History = [new NagiosHistoryItem(now - (2 * CheckInterval), 0), new NagiosHistoryItem(now - CheckInterval, previous), new NagiosHistoryItem(now, node.CheckCode)],
        });
        node.LastCheck = t;
    }

    private static string StateName(int code) => code == 0 ? "OK" : code == 1 ? "WARNING" : "CRITICAL";

    private SimNode? PickUp()
    {
        while (_up.Count > 0)
        {
            var at = _random.Next(_up.Count);
            var node = _nodes[_up[at]];
            _up[at] = _up[^1];
            _up.RemoveAt(_up.Count - 1);
            if (node.Phase == SimPhase.Up)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>Whole events due this step at <paramref name="rate"/> per step, carrying the fraction to the next.</summary>
    private static IEnumerable<int> Due(ref double debt, double rate)
    {
        debt += rate;
        var whole = (int)debt;
        debt -= whole;
        return Enumerable.Range(0, whole);
    }
}

internal enum SimPhase
{
    Up,
    Down,
    Dead,
}

/// <summary>One simulated node: what it runs and when it next sends. Times are since the start of the day.</summary>
internal sealed class SimNode(string identity, string version, TimeSpan interval)
{
    public string Identity { get; } = identity;

    public string Version { get; set; } = version;

    public TimeSpan Interval { get; set; } = interval;

    public SimPhase Phase { get; set; }

    public TimeSpan NextAlive { get; set; }

    public TimeSpan StartAt { get; set; }

    /// <summary>When it last sent a lifecycle event (startup, alive, shutdown): for a dead node, when it fell silent.</summary>
    public TimeSpan LastSent { get; set; }

    /// <summary>When its check last sent a result; its machine is forgotten <c>ForgetAfter</c> after that.</summary>
    public TimeSpan LastCheck { get; set; }

    public bool HasCheck { get; init; }

    public TimeSpan NextCheck { get; set; }

    public int CheckCode { get; set; }

    public int FailingRuns { get; set; }

    public int Restarts { get; set; }

    /// <summary>Whether it has sent anything yet: the dashboard starts into a running fleet and hears each node in turn.</summary>
    public bool Heard { get; set; }
}
