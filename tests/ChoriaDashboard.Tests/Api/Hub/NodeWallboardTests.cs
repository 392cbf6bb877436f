using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.TestKit;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Api.Hub;

/// <summary>
/// The README's custom wallboard (<c>tests/signalr-client/wallboard.mjs</c>), run by Node.js with
/// <c>@microsoft/signalr</c> against the real app on Kestrel, signed in with an API key in <c>access_token</c>: what
/// the board shows after events are published through a real nats-server.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class NodeWallboardTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Wallboard_FilteredToServers_ShowsANewServerAndNeverAProvisioningNode()
    {
        await using var app = App(nats.Url, kestrel: true);
        app.StartServer();
        await using var board = await NodeBoard.StartAsync(new Uri(app.ServerAddress, $"/hubs/fleet?access_token={ApiKey}"), ChoriaComponents.Server);
        await board.UntilAsync(_ => true, "the first board");
        await using var publisher = new TestPublisher(nats.Url);
        var provisioning = $"prov-{Guid.NewGuid():N}.example.net";
        var server = $"srv-{Guid.NewGuid():N}.example.net";

        // The provisioning node first: once the server shows, the board would have had the provisioning node before it.
        await publisher.PublishAsync(Startup(provisioning, component: ChoriaComponents.ProvisionModeServer), WireFormat.Legacy);
        await publisher.PublishAsync(Startup(server), WireFormat.CloudEventBinary);
        await publisher.FlushAsync();

        var shown = await board.UntilAsync(b => b.GetProperty("nodes").TryGetProperty($"{server}/server", out var state) && state.GetString() == "live", $"{server} live on the board");
        Assert.DoesNotContain(board.Boards, b => b.GetProperty("nodes").EnumerateObject().Any(n => n.Name.StartsWith(provisioning, StringComparison.Ordinal)));
        var counts = Assert.Single(shown.GetProperty("counts").EnumerateArray());
        Assert.Equal((ChoriaComponents.Server, 1), (counts.GetProperty("component").GetString(), counts.GetProperty("live").GetInt32()));
    }

    /// <summary><c>node run.mjs</c>, one JSON line per board shown.</summary>
    private sealed class NodeBoard : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<JsonElement> _boards = new();
        private readonly ConcurrentQueue<string> _errors = new();

        private NodeBoard(Process process) => _process = process;

        public IReadOnlyList<JsonElement> Boards => [.. _boards];

        public static Task<NodeBoard> StartAsync(Uri hub, string components)
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "ChoriaDashboard.sln")))
            {
                root = root.Parent;
            }

            var directory = System.IO.Path.Combine(root?.FullName ?? throw new InvalidOperationException("no ChoriaDashboard.sln above the tests"), "tests", "signalr-client");
            if (!Directory.Exists(System.IO.Path.Combine(directory, "node_modules", "@microsoft", "signalr")))
            {
                throw new InvalidOperationException(
                    $"The wallboard's npm packages are not installed. Run the README's test command (scripts/test.sh installs them), or: npm ci --prefix {directory}");
            }

            var info = new ProcessStartInfo(OidcProvider.FindNode())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            info.ArgumentList.Add(System.IO.Path.Combine(directory, "run.mjs"));
            info.ArgumentList.Add(hub.ToString());
            info.ArgumentList.Add(components);
            var board = new NodeBoard(Process.Start(info) ?? throw new InvalidOperationException("could not start node"));
            board._process.OutputDataReceived += (_, e) =>
            {
                // The client's own log lines (connected, reconnecting) go to stdout too.
                if (e.Data is { } log && !log.StartsWith('{'))
                {
                    board._errors.Enqueue(log);
                }
                else if (e.Data is { Length: > 0 } line)
                {
                    using var json = JsonDocument.Parse(line);
                    board._boards.Enqueue(json.RootElement.Clone());
                }
            };
            board._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    board._errors.Enqueue(line);
                }
            };
            board._process.BeginOutputReadLine();
            board._process.BeginErrorReadLine();
            return Task.FromResult(board);
        }

        public async Task<JsonElement> UntilAsync(Func<JsonElement, bool> match, string what)
        {
            JsonElement found = default;
            try
            {
                await Eventually.TrueAsync(
                    () =>
                    {
                        if (_process.HasExited)
                        {
                            throw new InvalidOperationException($"node exited with {_process.ExitCode}: {string.Join(Environment.NewLine, _errors)}");
                        }

                        foreach (var board in _boards)
                        {
                            if (match(board))
                            {
                                found = board;
                                return true;
                            }
                        }

                        return false;
                    },
                    Timeout,
                    what);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message} node said: {string.Join(Environment.NewLine, _errors)}", e);
            }

            return found;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
