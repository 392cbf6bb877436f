using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ChoriaDashboard.Fleet;

/// <summary>Reads a channel in batches, at most one batch per interval, so a reader's cost does not grow with the event rate.</summary>
public static class ChannelBatching
{
    public static async IAsyncEnumerable<IReadOnlyList<T>> GetBatchesAsync<T>(
        this ChannelReader<T> reader,
        TimeSpan minReadInterval,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var batch = new List<T>();
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var started = time.GetTimestamp();
            while (reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count > 0)
            {
                yield return batch;
                batch = [];
            }

            var remaining = minReadInterval - time.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
