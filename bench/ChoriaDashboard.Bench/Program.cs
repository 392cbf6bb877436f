using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ChoriaDashboard.Bench;

/// <summary>
/// Runs the micro-benchmarks in process (no generated projects, so the repository's central package management and
/// warnings-as-errors never meet BenchmarkDotNet's generated code). Short runs by default; <c>--full</c> for the
/// default job; <c>--memory</c> for the ledger's live-heap rows instead; <c>--day</c> for the simulated day (issue 22:
/// <c>--nodes N</c>, <c>--hours H</c>, <c>--smoke</c>, <c>--out FILE</c>). Other arguments go to BenchmarkDotNet, e.g.
/// <c>--filter *Decode*</c>.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--day"))
        {
            return await Day.DayRun.RunAsync(args);
        }

        if (args.Contains("--memory"))
        {
            return Ledger.MemoryLedger.Run();
        }

        var full = args.Contains("--full");
        var rest = args.Where(a => a != "--full").ToArray();
        if (rest.Length == 0)
        {
            rest = ["--filter", "*"];
        }

        var job = (full ? Job.Default : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var artifacts = Environment.GetEnvironmentVariable("BENCH_ARTIFACTS") ?? Path.Combine("artifacts", "bench", "micro");
        var config = DefaultConfig.Instance
            .AddJob(job)
            .WithArtifactsPath(artifacts);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
