using System.Globalization;

namespace Federation.Bench;

/// <summary>
/// A process's memory as Linux accounts it (/proc/&lt;pid&gt;/status): VmRSS now and VmHWM, the peak resident set
/// since the process started, which the kernel keeps for us: no sampling can miss a short peak.
/// </summary>
public static class ProcessMemory
{
    public static (double RssMb, double PeakRssMb) Of(int pid)
    {
        double Field(string[] lines, string name) =>
            double.Parse(lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        var status = File.ReadAllLines($"/proc/{pid}/status");
        return (Field(status, "VmRSS"), Field(status, "VmHWM"));
    }
}
