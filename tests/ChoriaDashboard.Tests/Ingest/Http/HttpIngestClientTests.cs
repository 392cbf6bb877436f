using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.TestKit;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;
using static ChoriaDashboard.Tests.Ingest.Http.HttpIngestTestKit;

namespace ChoriaDashboard.Tests.Ingest.Http;

/// <summary>
/// Real senders against the real app on Kestrel: the JavaScript <c>cloudevents</c> SDK's emitter
/// (<c>tests/cloudevents-client/post.mjs</c>, run by Node.js) and <c>curl</c> as the README shows it, each in structured,
/// binary and batch mode; what they are answered, and that the nodes then show in <c>/api/nodes</c>.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class HttpIngestClientTests(NatsServerFixture nats)
{
    [Theory]
    [InlineData("structured")]
    [InlineData("binary")]
    [InlineData("batch")]
    public async Task CloudEventsSdk_EmitsInEachMode_Accepted202AndTheNodesShow(string mode)
    {
        await using var app = App(nats.Url, kestrel: true);
        app.StartServer();
        using var http = app.CreateClient();
        var identities = mode == "batch" ? new[] { NewIdentity("js-a"), NewIdentity("js-b") } : [NewIdentity($"js-{mode}")];

        var (exit, output, errors) = await RunAsync(Node(), ["post.mjs", new Uri(app.ServerAddress, "/api/events").ToString(), SenderKey, mode, .. identities], ClientDirectory());

        Assert.True(exit == 0, $"node exited with {exit}: {errors}");
        using var answer = JsonDocument.Parse(output);
        Assert.Equal(202, answer.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(identities.Length, answer.RootElement.GetProperty("body").GetProperty("accepted").GetInt32());
        foreach (var identity in identities)
        {
            Assert.Equal("live", (await NodeAsync(http, identity)).GetProperty("components")[0].GetProperty("state").GetString());
        }
    }

    [Theory]
    [InlineData("structured")]
    [InlineData("binary")]
    [InlineData("batch")]
    public async Task Curl_PostsInEachMode_Accepted202AndTheNodeShows(string mode)
    {
        await using var app = App(nats.Url, kestrel: true);
        app.StartServer();
        using var http = app.CreateClient();
        var identity = NewIdentity($"curl-{mode}");
        var evt = Startup(identity, id: Guid.NewGuid().ToString());
        var file = Path.GetTempFileName();
        try
        {
            // As the README's examples: the body from a file, the envelope in the body or in ce-* headers.
            var arguments = new List<string> { "-sS", "-o", "-", "-w", "\n%{http_code}", "-H", $"x-api-key: {SenderKey}" };
            switch (mode)
            {
                case "structured":
                    await File.WriteAllBytesAsync(file, StructuredBody(evt));
                    arguments.AddRange(["-H", $"Content-Type: {StructuredType}"]);
                    break;
                case "batch":
                    await File.WriteAllBytesAsync(file, Encoding.UTF8.GetBytes($"[{Encoding.UTF8.GetString(StructuredBody(evt))}]"));
                    arguments.AddRange(["-H", $"Content-Type: {BatchType}"]);
                    break;
                default:
                    await File.WriteAllBytesAsync(file, ChoriaEventEncoder.EncodeLegacy(evt));
                    arguments.AddRange([
                        "-H", "Content-Type: application/json", "-H", "ce-specversion: 1.0", "-H", $"ce-id: {evt.Id}",
                        "-H", "ce-source: io.choria.lifecycle", "-H", "ce-type: io.choria.lifecycle.v1.startup", "-H", $"ce-subject: {identity}",
                    ]);
                    break;
            }

            arguments.AddRange(["--data-binary", $"@{file}", new Uri(app.ServerAddress, "/api/events").ToString()]);
            var (exit, output, errors) = await RunAsync(Curl(), arguments, Path.GetTempPath());

            Assert.True(exit == 0, $"curl exited with {exit}: {errors}");
            var lines = output.TrimEnd().Split('\n');
            Assert.Equal("202", lines[^1]);
            using var answer = JsonDocument.Parse(string.Join('\n', lines[..^1]));
            Assert.Equal("accepted", answer.RootElement.GetProperty("events")[0].GetProperty("status").GetString());
            Assert.Equal("live", (await NodeAsync(http, identity)).GetProperty("components")[0].GetProperty("state").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string ClientDirectory()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ChoriaDashboard.sln")))
        {
            root = root.Parent;
        }

        var directory = Path.Combine(root?.FullName ?? throw new InvalidOperationException("no ChoriaDashboard.sln above the tests"), "tests", "cloudevents-client");
        return Directory.Exists(Path.Combine(directory, "node_modules", "cloudevents"))
            ? directory
            : throw new InvalidOperationException($"The cloudevents SDK is not installed. Run the README's test command (scripts/test.sh installs it), or: npm ci --prefix {directory}");
    }

    private static string Node() => OidcProvider.FindNode();

    private static string Curl() =>
        new[] { "/usr/bin/curl", "/usr/local/bin/curl" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("curl is not installed. Run the README's test command (scripts/test.sh installs it), or: sudo apt-get install -y curl");

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string program, IEnumerable<string> arguments, string directory)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(HttpIngestTestKit.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {HttpIngestTestKit.Timeout.TotalSeconds} s: {await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }
}
