using Federation.Host;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;

try
{
    var builder = FederationHost.CreateBuilder(args);
    var roles = builder.AddFederationDefaults(RoleCatalog.All);
    builder.AddModules(roles);

    var app = builder.Build();
    if (TopologyDeployment.Requested(app.Configuration))
        return await TopologyDeployment.Run(app.Services, Console.Out); // a one-off step before the roles' first start
    app.MapModules(roles);
    await app.RunAsync();
    return 0;
}
catch (StartupConfigurationException problem)
{
    await Console.Error.WriteLineAsync($"federation: {problem.Message}");
    return 2;
}
catch (IOException problem) when (problem.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
{
    await Console.Error.WriteLineAsync($"federation: cannot listen: {problem.Message}");
    return 2;
}

/// <summary>Anchor for WebApplicationFactory in tests.</summary>
public partial class Program;
