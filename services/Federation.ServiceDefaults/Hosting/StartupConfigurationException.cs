namespace Federation.ServiceDefaults.Hosting;

/// <summary>
/// Bad or missing configuration found at start-up. The host prints the message (one clear line,
/// no stack trace) and exits with code 2.
/// </summary>
public sealed class StartupConfigurationException(string message) : Exception(message);
