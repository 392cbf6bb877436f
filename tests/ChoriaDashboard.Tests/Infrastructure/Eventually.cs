namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>Waits for a condition with a timeout, polling: tests never sleep a fixed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                if (await condition())
                {
                    return;
                }

                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.");
            }
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Polls <paramref name="read"/> until <paramref name="accept"/> holds, and returns the last value read.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> accept, TimeSpan timeout, string what)
    {
        T last = default!;
        await TrueAsync(
            async () =>
            {
                last = await read();
                return accept(last);
            },
            timeout,
            what);
        return last;
    }
}
