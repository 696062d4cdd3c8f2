using System.Text.Json;
using Federation.Bench;
using Federation.Testing;

// One run, one machine, one private broker and database (fsync on): baselines and the federation
// path measured side by side, reported as ratios. Not a test: nothing here asserts a time.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException problem)
{
    Console.Error.WriteLine(problem.Message);
    return 2;
}

Console.WriteLine($"Federation bench: {Environment.ProcessorCount} cores, {options}");
await using var broker = await RabbitMqServer.Start();
await using var postgres = await PostgresServer.Start();
var results = new List<Measurement>();

// Every scenario runs twice and only the second run counts: the first pays for JIT compilation
// (tiered compilation and dynamic PGO recompile hot code for tens of seconds on two cores).
async Task Measure(string scenario, Func<BenchOptions, Task<Measurement>> run)
{
    if (!options.Runs(scenario))
        return;
    Console.Write($"running {scenario}… ");
    await run(options with { Messages = Math.Min(options.Messages, 3000) });
    var result = await run(options);
    results.Add(result);
    Console.WriteLine($"{result.PerSecond:N0}/s, p99 {result.P99:N1} ms");
}

var rawUrl = await broker.CreateVirtualHost("bench-raw");
await Measure("b0", o => RawBrokerBaselines.Run("b0", RawBrokerBaselines.Consumer.AckOnly, rawUrl, null, o));
await Measure("b1", o => RawBrokerBaselines.Run("b1", RawBrokerBaselines.Consumer.CommitEach, rawUrl, postgres.ForDatabase("postgres"),
    o with { Messages = Math.Min(o.Messages, 10_000) }));
if (options.Runs("b1"))
{
    var b1Maximum = results.Last(r => r.Scenario == "B1").PerSecond;
    var atHalf = await RawBrokerBaselines.Run("b1", RawBrokerBaselines.Consumer.CommitEach, rawUrl, postgres.ForDatabase("postgres"),
        options with { Messages = (int)Math.Clamp(b1Maximum * 5, 1000, 10_000) }, b1Maximum / 2);
    results.Add(atHalf);
    Console.WriteLine($"running b1 at half load… {atHalf.PerSecond:N0}/s, p99 {atHalf.P99:N1} ms");
}
await Measure("b1g", o => RawBrokerBaselines.Run("b1g", RawBrokerBaselines.Consumer.GroupCommit, rawUrl, postgres.ForDatabase("postgres"), o));
await Measure("mt", o => MassTransitBaseline.Run(rawUrl, o));

var failures = 0;
if (options.Runs("f"))
{
    var settings = new Dictionary<string, string>
    {
        ["ConnectionStrings__rabbitmq"] = await broker.CreateVirtualHost("bench-f"),
        ["ConnectionStrings__access"] = postgres.ForDatabase("access"),
        ["ConnectionStrings__audit"] = postgres.ForDatabase("audit"),
        ["ConnectionStrings__identity"] = postgres.ForDatabase("identity"),
        ["Logging__LogLevel__Default"] = "Error",
        // The baselines' queues are classic durable queues on this single broker; F uses the same unless told otherwise.
        ["Federation__Messaging__QueueType"] = options.FederationQueueType,
        // Security windows close every 5 s instead of every minute, so the first one (the researcher's sign-in) closes during
        // the warm-up: the first event of its type in each process is one-time work (its JSON metadata built with
        // Reflection.Emit, its consumer pipeline built, about 190 methods compiled in the audit host within a second).
        // With the 1-minute default it closed in F½, whose start falls about a minute after the hosts', and stalled every
        // event in flight then. The measurement itself causes no security events (every request is authorised).
        ["Federation__Security__AuditWindow"] = "00:00:05",
    };
    // As deployed (one role per process): every request carries a researcher's access token, issued by the identity role
    // and validated (RS256) by the access role with the keys it fetched from identity. Identity only signs the token here.
    await using var identity = await HostProcess.Start("identity", settings.WithIdentity());
    await using var access = await HostProcess.Start("access", settings.WithIdentity().TrustingIdentityAt(identity));
    await using var audit = await HostProcess.Start("audit", settings.TrustingIdentityAt(identity));
    await using var path = new FederationPath(access, audit, await access.AccessTokenOf("researcher", identity), postgres.ForDatabase("audit"), options);
    var requests = Math.Max(1000, options.Messages / 2);
    Console.Write($"warming up F for {options.WarmupSeconds} s or more (fresh hosts: JIT)… ");
    // At least WarmupSeconds, then on until two rounds in a row agree within 10 % and both hosts' JIT threads have
    // (nearly) stopped recompiling (or three times as long).
    var warm = System.Diagnostics.Stopwatch.StartNew();
    var previous = 0.0;
    var jit = new[] { access, audit }.Select(h => new JitActivity(h.ProcessId!.Value)).ToArray();
    while (true)
    {
        var round = (await path.AtMaximum(Math.Max(500, requests / 5))).PerSecond;
        var compiling = jit.Select(j => j.ShareSinceLastLook()).ToArray();
        Console.Write($"{round:N0}/s (JIT {string.Join(" / ", compiling.Select(c => $"{c:P0}"))}) ");
        var steady = previous > 0 && Math.Abs(round - previous) / previous < 0.10 && compiling.All(c => c < 0.03);
        if ((warm.Elapsed.TotalSeconds >= options.WarmupSeconds && steady) || warm.Elapsed.TotalSeconds >= 3 * options.WarmupSeconds)
            break;
        previous = round;
    }
    Console.WriteLine();
    Console.Write("running f… ");
    var atMaximum = await path.AtMaximum(requests);
    results.Add(atMaximum);
    Console.WriteLine($"{atMaximum.PerSecond:N0}/s, p99 {atMaximum.P99:N1} ms");
    Console.Write("running f at half load… ");
    var atHalf = await path.AtRate(options.FixedRate > 0 ? options.FixedRate : atMaximum.PerSecond / 2, Math.Max(500, requests / 2), TimeSpan.FromSeconds(2));
    results.Add(atHalf);
    Console.WriteLine($"{atHalf.PerSecond:N0}/s, p99 {atHalf.P99:N1} ms");
    failures = path.Failures;
}

// Audit appends per second with concurrent producers, and the chain checked afterwards (--only audit, also in the default run).
AuditAppends.Figures? appends = null;
if (options.Runs("audit"))
{
    appends = await AuditAppends.Run(broker, postgres, options);
    results.Add(appends.Appends);
    if (!appends.Verified || !appends.GapFree)
        failures++;
}

// The node suite (--suite nodes): a node agent at a large hospital's scale, then federated search over 3 and 20 nodes.
NodeFigures? node = null;
if (options.Runs("index"))
{
    node = await NodeIndexAtScale.Run(broker, postgres, options);
    results.Add(node.AtScale.Counts);
}
var searches = new List<FederatedSearchLatency.Figures>();
if (options.Runs("search"))
    foreach (var nodes in new[] { 3, 20 })
    {
        var figures = await FederatedSearchLatency.Run(nodes, broker, postgres, options);
        searches.Add(figures);
        results.Add(figures.Searches);
    }

// The hybrid router alone (--only router, also in the node suite): decisions per second at the federation's planned size.
if (options.Runs("router"))
{
    Console.Write("running router… ");
    var router = RouterThroughput.Run(200_000);
    results.Add(router);
    Console.WriteLine($"{router.PerSecond:N0} decisions/s, p99 {router.P99:N3} ms");
}

Console.WriteLine();
Console.WriteLine(Measurement.Header);
foreach (var result in results)
    Console.WriteLine(result.Row());

Measurement? Find(string scenario) => results.FirstOrDefault(r => r.Scenario == scenario);
var (b1, b1Half, mt, f, fHalf) = (Find("B1"), Find("B1½"), Find("MT"), Find("F"), Find("F½"));
Console.WriteLine();
if (failures > 0)
    Console.WriteLine($"HTTP requests not accepted on the federation path, or audit chain checks failed: {failures}");
if (f is not null && b1 is not null)
    Console.WriteLine($"F/B1 throughput: {f.PerSecond / b1.PerSecond:0.00} (goal ≥ 1.0)");
if (f is not null && mt is not null)
    Console.WriteLine($"F/MT throughput: {f.PerSecond / mt.PerSecond:0.00} (aim ≥ 0.5)");
// Latency is compared at half of each path's own maximum: at saturation both are queueing delay only.
if (fHalf is not null && b1Half is not null)
    Console.WriteLine($"F p99 vs B1 p99, each at half its maximum: {fHalf.P99:N1} ms vs {b1Half.P99:N1} ms (goal ≤ 2 × B1 p99 + 10 ms = {2 * b1Half.P99 + 10:N1} ms)");
if (appends is not null)
    Console.WriteLine($"Audit appends: {appends.Appends.PerSecond:N0}/s from {appends.Producers} producers; chain {(appends.GapFree ? "gap-free" : "WITH GAPS")}, " +
        $"verify {(appends.Verified ? "passed" : "FAILED")} over {appends.Entries:N0} entries and {appends.Checkpoints} checkpoints; " +
        $"{appends.VersionInversions:N0} pairs of one aggregate's events recorded in another order than published (concurrent consumers; the chain orders by arrival)");
if (node is not null)
{
    var (big, tiny) = (node.AtScale, node.Baseline);
    Console.WriteLine($"Node at scale ({big.Subjects:N0} subjects, {big.Instances:N0} images): indexed in {big.IndexSeconds:N0} s, database {big.DbSizeMb:N0} MB");
    Console.WriteLine($"  peak RSS {big.PeakRssMb:N0} MB (goal ≤ 150 MB), RSS after the queries {big.RssAfterMb:N0} MB;" +
        $" the same node on {tiny.Instances:N0} images: peak {tiny.PeakRssMb:N0} MB (the index's own share: {big.PeakRssMb - tiny.PeakRssMb:N0} MB)");
    Console.WriteLine($"  count query p50 {big.Counts.P50:N1} ms, p99 {big.Counts.P99:N1} ms (goal p99 ≤ 50 ms)");
}
foreach (var search in searches)
    Console.WriteLine($"Federated search, {search.Nodes} nodes: p50 {search.Searches.P50:N1} ms, p99 {search.Searches.P99:N1} ms" +
        (search.Partial > 0 ? $" ({search.Partial} searches with a node not answering)" : ""));

var json = new Dictionary<string, object?>
{
    ["machine"] = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString(), dotnet = Environment.Version.ToString() },
    ["settings"] = options,
    ["ranAt"] = DateTimeOffset.UtcNow,
};
foreach (var result in results.Where(r => r != node?.AtScale.Counts && searches.All(s => s.Searches != r)))
{
    var key = result.Scenario.ToLowerInvariant().Replace("½", "Half");
    json[key] = new { msgsPerSec = result.PerSecond, eventsPerSec = result.PerSecond, p50Ms = result.P50, p99Ms = result.P99, p999Ms = result.P999, count = result.Messages, seconds = result.Seconds };
}
if (node is not null)
    json["nodes"] = new
    {
        subjects = node.AtScale.Subjects, instances = node.AtScale.Instances, indexSeconds = node.AtScale.IndexSeconds, peakRssMb = node.AtScale.PeakRssMb,
        rssAfterMb = node.AtScale.RssAfterMb, dbSizeMb = node.AtScale.DbSizeMb, countP50Ms = node.AtScale.Counts.P50, countP99Ms = node.AtScale.Counts.P99,
        countQueries = node.AtScale.Counts.Messages, baselineInstances = node.Baseline.Instances, baselinePeakRssMb = node.Baseline.PeakRssMb,
    };
if (appends is not null)
    json["auditAppends"] = new
    {
        perSec = appends.Appends.PerSecond, p50Ms = appends.Appends.P50, p99Ms = appends.Appends.P99, count = appends.Appends.Messages, producers = appends.Producers,
        verified = appends.Verified, gapFree = appends.GapFree, entries = appends.Entries, checkpoints = appends.Checkpoints, versionInversions = appends.VersionInversions,
    };
foreach (var search in searches)
    json[$"search{search.Nodes}"] = new { nodes = search.Nodes, p50Ms = search.Searches.P50, p99Ms = search.Searches.P99, searches = search.Searches.Messages, partial = search.Partial };
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output, JsonSerializer.Serialize(json, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
Console.WriteLine($"results written to {options.Output}");
return 0;
