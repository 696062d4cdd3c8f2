namespace Federation.Testing;

/// <summary>Where the repository and the Host's build output are, seen from a test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Scripts => Path.Combine(Root, "scripts");

    /// <summary>The Host built in the same configuration as the running tests (Debug or Release).</summary>
    public static string HostDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(Root, "services", "Federation.Host", "bin", configuration, "net10.0", "Federation.Host.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the Host first: {dll} is missing.");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Federation.sln not found above " + AppContext.BaseDirectory);
    }
}
