namespace Federation.ServiceDefaults.Hosting;

/// <summary>
/// A role the binary can run: its name, and how to create its module. The module (and with it the role's assembly and
/// its dependencies) is created only when the role is selected, so a process running one role loads no other's code.
/// </summary>
public sealed record RoleDefinition(string Name, Func<IFederationModule> Create);
