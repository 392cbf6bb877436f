using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Simulation;

/// <summary>The simulated demo fleet (section <c>Demo</c>): off unless asked for.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Publish a simulated fleet through the configured NATS server.</summary>
    public bool Enabled { get; set; }

    [Range(1, 1_000_000)]
    public int Nodes { get; set; } = 2000;

    /// <summary>How often each node sends alive (Choria: 30 minutes; compressed for the demo).</summary>
    public TimeSpan AliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The initial startups are spread over this long.</summary>
    public TimeSpan StartupSpread { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Share of nodes that send the legacy JSON format; the rest send CloudEvents.</summary>
    [Range(0, 100)]
    public int LegacyPercent { get; set; } = 25;

    /// <summary>Share of nodes that send CloudEvents in binary mode (ce-* headers).</summary>
    [Range(0, 100)]
    public int BinaryPercent { get; set; } = 15;

    /// <summary>Share of nodes that run nagios checks (Scout) as autonomous agents.</summary>
    [Range(0, 100)]
    public int ChecksPercent { get; set; } = 20;

    /// <summary>Per minute, the share of running nodes (in thousandths) that crash silently, restart gracefully or upgrade.</summary>
    [Range(0, 1000)]
    public int CrashPerMille { get; set; } = 4;

    [Range(0, 1000)]
    public int RestartPerMille { get; set; } = 4;

    [Range(0, 1000)]
    public int UpgradePerMille { get; set; } = 30;

    /// <summary>The versions the fleet starts on, and the one it upgrades to.</summary>
    [Required]
    public string OldVersion { get; set; } = "0.29.3";

    [Required]
    public string NewVersion { get; set; } = "0.29.4";

    /// <summary>Makes the demo repeatable.</summary>
    public int Seed { get; set; } = 42;
}
