using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Federation.Testing;

/// <summary>
/// One Federation.Host process running the given roles, as in a real deployment: own port, own data
/// directory, configuration by environment. Can be killed (SIGKILL) and restarted with the same settings.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;

    private HostProcess(string roles, int port, string dataDirectory, Dictionary<string, string> environment)
    {
        Roles = roles;
        Port = port;
        DataDirectory = dataDirectory;
        this.environment = environment;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Roles { get; }

    public int Port { get; }

    public string DataDirectory { get; }

    /// <summary>Anonymous: for health, discovery and the refusals of protected routes.</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// A client signed in as the demo user <paramref name="userName"/> through the login page (code + PKCE)
    /// at <paramref name="identity"/> (this process when it runs the identity role with demo seeding).
    /// </summary>
    public async Task<HttpClient> SignIn(string userName, HostProcess? identity = null) =>
        Oidc.Bearer(Client.BaseAddress!, await AccessTokenOf(userName, identity));

    /// <summary>An access token of the demo user <paramref name="userName"/>, from <paramref name="identity"/> (default: this process).</summary>
    public async Task<string> AccessTokenOf(string userName, HostProcess? identity = null)
    {
        identity ??= this;
        var demo = await DemoCredentials.WaitFor(identity.DataDirectory);
        await Eventually.Until(identity.IsLive, TimeSpan.FromSeconds(30), $"the identity process ({identity.Roles}) to listen");
        return (await Oidc.SignInWithPkce(identity.Client.BaseAddress!, demo, userName)).AccessToken;
    }

    public int? ProcessId => process?.Id;

    /// <summary>The process's console output so far (for failure messages).</summary>
    public string Output => string.Join('\n', output.TakeLast(200));

    /// <summary>Starts the host and waits until <c>/health/ready</c> answers 200 (unless <paramref name="waitReady"/> is false).</summary>
    public static async Task<HostProcess> Start(string roles, IReadOnlyDictionary<string, string> settings, bool waitReady = true)
    {
        var data = Directory.CreateTempSubdirectory("federation-host-").FullName;
        var env = new Dictionary<string, string>(settings)
        {
            ["Federation__DataDirectory"] = data,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
            ["Logging__LogLevel__Default"] = settings.TryGetValue("Logging__LogLevel__Default", out var level) ? level : "Warning",
            ["Logging__LogLevel__Federation"] = settings.TryGetValue("Logging__LogLevel__Federation", out var own) ? own : "Information",
        };
        var host = new HostProcess(roles, FreePort(), data, env);
        await host.Launch(waitReady);
        return host;
    }

    /// <summary>Runs the host to its exit (for start-up failures): exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExit(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var data = Directory.CreateTempSubdirectory("federation-host-").FullName;
        var start = new ProcessStartInfo("dotnet", [RepoPaths.HostDll, "--urls", $"http://127.0.0.1:{FreePort()}", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The host did not exit: it was expected to refuse its configuration.");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Starts the process again with the same roles, port, data directory and settings (plus <paramref name="changes"/>).</summary>
    public Task Restart(bool waitReady = true, IReadOnlyDictionary<string, string>? changes = null)
    {
        foreach (var (key, value) in changes ?? new Dictionary<string, string>())
            environment[key] = value;
        return Launch(waitReady);
    }

    public Task<bool> IsLive() => Probe("/health/live");

    /// <summary>SIGKILL: no shutdown hooks run, as when a node loses power.</summary>
    public async Task Kill()
    {
        if (process is null || process.HasExited)
            return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait: the graceful stop Kubernetes does.</summary>
    public async Task Stop()
    {
        if (process is null || process.HasExited)
            return;
        _ = SendSignal(process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await Kill();
        }
    }

    public Task<bool> IsReady() => Probe("/health/ready");

    public async ValueTask DisposeAsync()
    {
        await Kill();
        Client.Dispose();
        process?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open by a dying process: the temp dir is cleaned by the OS later.
        }
    }

    private async Task Launch(bool waitReady)
    {
        // A second process on the same port would fail to bind while the first one kept answering, and a
        // "restart" test would pass without anything restarting.
        if (process is { HasExited: false })
            throw new InvalidOperationException("The host is still running: Kill() or Stop() it before Restart().");
        var start = new ProcessStartInfo("dotnet", [RepoPaths.HostDll, "--roles", Roles, "--urls", $"http://127.0.0.1:{Port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Federation.Host");
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!waitReady)
            return;
        try
        {
            await Eventually.Until(async () => process.HasExited ? throw new InvalidOperationException("exited") : await IsReady(),
                TimeSpan.FromSeconds(60), $"host [{Roles}] to be ready");
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Host [{Roles}] did not become ready ({ex.Message}). Output:\n{Output}", ex);
        }
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        output.Enqueue(line);
        while (output.Count > 2000 && output.TryDequeue(out _))
        {
        }
    }

    private async Task<bool> Probe(string path)
    {
        try
        {
            using var response = await Client.GetAsync(path);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
