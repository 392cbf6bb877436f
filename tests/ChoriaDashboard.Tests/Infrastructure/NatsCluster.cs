using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChoriaDashboard.Events;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A real nats-server cluster on 127.0.0.1, as Choria runs its brokers: <c>size</c> servers in a full mesh of cluster
/// routes, JetStream on each (its own store directory, kept across a stop and start), so streams can be replicated
/// across them. Each server keeps its client and route ports for its whole life, so a stopped server comes back where
/// clients and the other servers look for it. Logs are kept for failure messages.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    private readonly string _directory;

    private NatsCluster(string directory, IReadOnlyList<Node> nodes)
    {
        _directory = directory;
        Nodes = nodes;
    }

    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Every server's URL, comma-separated: what <c>Nats:Url</c> takes for a cluster.</summary>
    public string Urls => string.Join(",", Nodes.Select(n => n.Url));

    /// <summary>What every server logged so far, for assertion messages.</summary>
    public string Log => string.Join(Environment.NewLine, Nodes.Select(n => $"--- {n.Name} ---{Environment.NewLine}{n.Log}"));

    /// <summary>
    /// Starts the servers and waits until JetStream answers (a meta leader is elected). A port taken by another process
    /// between choosing it and listening on it (other test runs share the machine) means a fresh start on new ports, up
    /// to three times.
    /// </summary>
    public static async Task<NatsCluster> StartAsync(int size = 3)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(size);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                // Ports chosen free were taken before the server listened: choose again.
            }
        }
    }

    private static async Task<NatsCluster> TryStartAsync(int size)
    {
        var directory = Directory.CreateTempSubdirectory("choria-dashboard-nats-cluster-").FullName;
        var ports = Enumerable.Range(0, size).Select(_ => (Client: NatsServerFixture.FreePort(), Route: NatsServerFixture.FreePort())).ToList();
        var routes = string.Join(", ", ports.Select(p => $"\"nats-route://127.0.0.1:{p.Route}\""));
        var nodes = ports.Select((p, i) => new Node($"n{i + 1}", p.Client, p.Route, routes, Path.Combine(directory, $"n{i + 1}"))).ToList();
        var cluster = new NatsCluster(directory, nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
            await cluster.WaitJetStreamAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>
    /// Each consumer of <paramref name="stream"/> now: its name, the server that hosts it (its leader; null when none or
    /// not one of this cluster's) and how many messages it delivered, asked through the servers that run.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, Node? Host, ulong Delivered)>> ConsumersAsync(string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = RunningUrls, Name = "test-cluster" });
        var js = new NatsJSContext(connection);
        var consumers = new List<(string, Node?, ulong)>();
        await foreach (var consumer in js.ListConsumersAsync(stream))
        {
            var info = consumer.Info;
            consumers.Add((info.Name, Nodes.SingleOrDefault(n => n.Name == info.Cluster?.Leader), info.Delivered.ConsumerSeq));
        }

        return consumers;
    }

    /// <summary>The URLs of the servers running now, comma-separated.</summary>
    public string RunningUrls => string.Join(",", Nodes.Where(n => n.Running).Select(n => n.Url));

    /// <summary>The server listening on <paramref name="port"/>.</summary>
    public Node NodeAt(int port) => Nodes.Single(n => n.Port == port);

    /// <summary>
    /// The server a client names by <paramref name="url"/> (as the NATS client reports the server it is connected to,
    /// <c>nats://127.0.0.1:4222</c>); null for a URL that is not one of this cluster's.
    /// </summary>
    public Node? NodeAt(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Nodes.SingleOrDefault(n => n.Port == uri.Port) : null;

    /// <summary>Waits until the JetStream API answers through the servers that run (a meta leader is elected).</summary>
    public async Task WaitJetStreamAsync(TimeSpan timeout)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = RunningUrls, Name = "test-cluster" });
        var js = new NatsJSContext(connection);
        Exception? last = null;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        await js.GetAccountInfoAsync();
                        return true;
                    }
                    catch (Exception e) when (e is NatsException or TimeoutException)
                    {
                        last = e;
                        return false;
                    }
                },
                timeout,
                "JetStream to answer on the cluster");
        }
        catch (TimeoutException e)
        {
            // The last error is known only now, not when the message would have been built.
            throw new TimeoutException($"{e.Message} Last error: {last?.GetType().Name}: {last?.Message}{Environment.NewLine}{Log}", e);
        }
    }

    /// <summary>The server that leads <paramref name="stream"/> now (its Raft group's leader), asked through the servers that run.</summary>
    /// <exception cref="InvalidOperationException">No server leads it (no quorum), or the leader is not one of this cluster's.</exception>
    public async Task<Node> StreamLeaderAsync(string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = RunningUrls, Name = "test-cluster" });
        var js = new NatsJSContext(connection);
        var leader = (await js.GetStreamAsync(stream)).Info.Cluster?.Leader;
        return Nodes.SingleOrDefault(n => n.Name == leader)
            ?? throw new InvalidOperationException($"{stream} has no leader among {string.Join(", ", Nodes)} (reported: '{leader}')");
    }

    /// <summary>
    /// Deletes and creates <c>CHORIA_EVENTS</c> and <c>CHORIA_MACHINE</c> with <paramref name="replicas"/> replicas, as
    /// Choria Streams configures them on a clustered broker, and waits until each has a leader and its replicas are current.
    /// </summary>
    public async Task RecreateChoriaStreamsAsync(int replicas = 3)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = Urls, Name = "test-cluster" });
        var js = new NatsJSContext(connection);
        foreach (var (name, subjects) in new[] { (ChoriaStreams.Events, ChoriaStreams.EventsSubjects), (ChoriaStreams.Machine, ChoriaStreams.MachineSubjects) })
        {
            try
            {
                await js.DeleteStreamAsync(name);
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
            }

            // Right after the election the leader may not know every peer yet ("no suitable peers for placement").
            NatsJSApiException? refused = null;
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        await js.CreateStreamAsync(new StreamConfig(name, [subjects]) { MaxAge = TimeSpan.FromDays(1), NumReplicas = replicas, Storage = StreamConfigStorage.File });
                        return true;
                    }
                    catch (NatsJSApiException e) when (e.Error.Code is 500 or 503)
                    {
                        refused = e;
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                $"{name} with {replicas} replicas to be created (last refusal: {refused?.Error.Description})");
        }

        await WaitStreamsCurrentAsync(replicas, TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until both Choria streams have a leader and <paramref name="replicas"/> - 1 current followers.</summary>
    public async Task WaitStreamsCurrentAsync(int replicas, TimeSpan timeout)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = RunningUrls, Name = "test-cluster" });
        var js = new NatsJSContext(connection);
        foreach (var name in new[] { ChoriaStreams.Events, ChoriaStreams.Machine })
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        var info = (await js.GetStreamAsync(name)).Info;
                        return info.Cluster?.Leader is { Length: > 0 }
                            && (info.Cluster.Replicas?.Count(r => r.Current) ?? 0) >= replicas - 1;
                    }
                    catch (Exception e) when (e is NatsException or TimeoutException)
                    {
                        return false;
                    }
                },
                timeout,
                $"{name} to have a leader and {replicas - 1} current replicas{Environment.NewLine}{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.StopAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One server of the cluster: stopped (killed, as a crash) and started again on the same ports and store.</summary>
    public sealed class Node
    {
        private readonly string _configFile;
        private readonly ConcurrentQueue<string> _log = new();
        private Process? _process;

        internal Node(string name, int port, int routePort, string routes, string directory)
        {
            Name = name;
            Port = port;
            RoutePort = routePort;
            Directory.CreateDirectory(directory);
            _configFile = Path.Combine(directory, "nats-server.conf");
            File.WriteAllText(_configFile, string.Create(CultureInfo.InvariantCulture, $$"""
                server_name: "{{name}}"
                listen: "127.0.0.1:{{port}}"
                jetstream { store_dir: "{{Path.Combine(directory, "store")}}" }
                cluster {
                  name: "choria"
                  listen: "127.0.0.1:{{routePort}}"
                  routes: [ {{routes}} ]
                }
                """));
        }

        public string Name { get; }

        public int Port { get; }

        public int RoutePort { get; }

        public string Url => $"nats://127.0.0.1:{Port}";

        public bool Running => _process is { HasExited: false };

        public string Log => string.Join(Environment.NewLine, _log.TakeLast(200));

        public async Task StartAsync()
        {
            var info = new ProcessStartInfo(NatsServerFixture.FindBinary())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(_configFile);
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nats-server");
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        // Its last words (why it exited) are read from its output after the exit.
                        await process.WaitForExitAsync();
                        throw new InvalidOperationException($"nats-server {Name} exited with code {process.ExitCode}: {Log}");
                    }

                    using var client = new TcpClient();
                    try
                    {
                        await client.ConnectAsync(IPAddress.Loopback, Port);
                        return true;
                    }
                    catch (SocketException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(15),
                $"nats-server {Name} to listen on port {Port}");
        }

        /// <summary>Kills the server (as a crash or a power cut would: no goodbye to clients or peers).</summary>
        public async Task StopAsync()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            _process?.Dispose();
            _process = null;
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                _log.Enqueue(line);
                while (_log.Count > 2000 && _log.TryDequeue(out _))
                {
                }
            }
        }

        public override string ToString() => $"{Name} ({Url})";
    }
}
