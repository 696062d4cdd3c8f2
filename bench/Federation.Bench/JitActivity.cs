namespace Federation.Bench;

/// <summary>
/// How much of a .NET process's CPU its tiered-compilation thread took since the last look (Linux /proc): the hosts keep
/// recompiling hot methods for a while after start, and a measurement taken meanwhile counts that work as the path's
/// (it was a seventh of the audit host's CPU in an F measurement after a 30 s warm-up).
/// </summary>
public sealed class JitActivity(int pid)
{
    private const string JitThread = ".NET Tiered Com"; // the kernel keeps 15 characters of ".NET Tiered Compilation Worker"
    private (long Jit, long Process) last = Ticks(pid);

    /// <summary>The JIT thread's share of the process's CPU since the previous call (0 when the process used none).</summary>
    public double ShareSinceLastLook()
    {
        var now = Ticks(pid);
        var (jit, process) = (now.Jit - last.Jit, now.Process - last.Process);
        last = now;
        return process <= 0 ? 0 : (double)jit / process;
    }

    private static (long Jit, long Process) Ticks(int pid)
    {
        long jit = 0, process = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var ticks = CpuCost.ThreadTicks(File.ReadAllText($"{task}/stat"));
                process += ticks;
                if (File.ReadAllText($"{task}/comm").Trim() == JitThread)
                    jit += ticks;
            }
            catch (IOException)
            {
                // the thread ended while we looked
            }
        }
        return (jit, process);
    }
}
