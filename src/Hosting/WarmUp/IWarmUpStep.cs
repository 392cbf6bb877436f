namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>
/// One thing done once at start, before <c>/readyz</c> answers ready, so the first user request finds it done (a page
/// rendered, code compiled). Steps run one after another, in registration order, within <c>Hosting:WarmUp:Timeout</c>.
/// </summary>
public interface IWarmUpStep
{
    /// <summary>A short name for the log, e.g. "pages".</summary>
    string Name { get; }

    /// <summary>Does the step; cancelled when the warm-up's time is up or the app stops.</summary>
    /// <returns>What was done, one line for the log (e.g. "/ 200 in 812 ms, /nodes 200 in 230 ms").</returns>
    /// <exception cref="WarmUpException">Part of the step failed (a page answered an error); the rest was done.</exception>
    Task<string> RunAsync(CancellationToken cancellationToken);
}

/// <summary>A warm-up step that failed in part; its message says what, for the warning in the log.</summary>
public sealed class WarmUpException(string message) : Exception(message);
