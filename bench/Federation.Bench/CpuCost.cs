namespace Federation.Bench;

/// <summary>
/// CPU time spent while a scenario ran, per process and for the whole machine (Linux /proc), so that a change's cost
/// per event can be compared between runs whose throughput the shared machine moves by ±25 %: CPU per event moves less.
/// </summary>
public sealed class CpuCost
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on
    private readonly (string Name, int Pid)[] processes;
    private readonly long[] before;
    private readonly Dictionary<string, long> commandsBefore;
    private readonly (long Busy, long Stolen) machineBefore;

    /// <summary>Processes counted together by their command name: the private broker's Erlang VM, every PostgreSQL backend.</summary>
    private static readonly (string Name, string Command)[] Commands = [("broker", "beam.smp"), ("postgres", "postgres")];

    private CpuCost((string Name, int Pid)[] processes)
    {
        this.processes = [.. processes, ("bench", Environment.ProcessId)];
        before = this.processes.Select(p => ProcessTicks(p.Pid)).ToArray();
        commandsBefore = TicksByCommand();
        machineBefore = MachineTicks();
    }

    public static CpuCost Start(params (string Name, int? Pid)[] processes) =>
        new(processes.Where(p => p.Pid is not null).Select(p => (p.Name, p.Pid!.Value)).ToArray());

    /// <summary>
    /// Milliseconds of CPU per event, per process and for the machine (every process, the bench client included), and the
    /// time the hypervisor gave this VM's CPUs to other guests meanwhile ("stolen"): counted as busy before, it made a
    /// contended phase of the shared host look like a costlier path.
    /// </summary>
    public string PerEvent(int events)
    {
        string Ms(long ticks) => $"{ticks / TicksPerSecond * 1000 / Math.Max(events, 1):N2}";
        var commands = TicksByCommand();
        var parts = processes.Select((p, i) => $"{p.Name} {Ms(ProcessTicks(p.Pid) - before[i])}")
            .Concat(Commands.Select(c => $"{c.Name} {Ms(commands[c.Command] - commandsBefore[c.Command])}"));
        var machine = MachineTicks();
        return $"[CPU ms per event: {string.Join(", ", parts)}, machine {Ms(machine.Busy - machineBefore.Busy)}, stolen {Ms(machine.Stolen - machineBefore.Stolen)}]";
    }

    /// <summary>CPU ticks of the live processes of each of <see cref="Commands"/> (a process that ended meanwhile takes its ticks along).</summary>
    private static Dictionary<string, long> TicksByCommand()
    {
        var ticks = Commands.ToDictionary(c => c.Command, _ => 0L);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var command = File.ReadAllText($"{dir}/comm").Trim();
                if (ticks.ContainsKey(command))
                    ticks[command] += ProcessTicks(pid);
            }
            catch (IOException)
            {
                // ended while we looked
            }
        }
        return ticks;
    }

    private static long ProcessTicks(int pid) => ThreadTicks(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>User and system ticks from a <c>/proc/…/stat</c> line (of a process, or of one of its threads).</summary>
    internal static long ThreadTicks(string stat)
    {
        // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the 14th field.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    private static (long Busy, long Stolen) MachineTicks()
    {
        // "cpu user nice system idle iowait irq softirq steal guest guest_nice": busy is user to softirq without idle and
        // iowait (guest time is already inside user and nice).
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6], cpu.Length > 7 ? cpu[7] : 0);
    }
}
