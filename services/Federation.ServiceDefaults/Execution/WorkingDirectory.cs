namespace Federation.ServiceDefaults.Execution;

/// <summary>
/// A task's fresh working directory, at the central node and at the nodes alike: inputs placed read-only (files and
/// their directory), and deletion afterwards that first gives back the write bits the read-only inputs took away.
/// </summary>
public static class WorkingDirectory
{
    public static string Create(string task) => Directory.CreateTempSubdirectory($"federation-task-{task}-").FullName;

    /// <summary>Writes an input file the executors may read but not change.</summary>
    public static async Task WriteReadOnly(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content, cancellationToken);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Closes a directory of inputs: nothing can be added, renamed or removed in it.</summary>
    public static void Seal(string directory)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }

    public static void Delete(string root)
    {
        if (!Directory.Exists(root))
            return;
        if (!OperatingSystem.IsWindows())
            foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(root, recursive: true);
    }
}
