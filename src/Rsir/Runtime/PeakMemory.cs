using System.Diagnostics;

namespace Rsir.Runtime;

/// <summary>
/// Peak resident memory of this process, per phase: on Linux VmHWM from /proc/self/status, reset to the current
/// resident size by writing 5 to /proc/self/clear_refs; elsewhere the process's peak working set (not resettable).
/// </summary>
public static class PeakMemory
{
    private const string Status = "/proc/self/status";

    /// <summary>Starts a new phase; returns the resident memory now, in bytes.</summary>
    public static long Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return File.Exists(Status) ? Field("VmRSS:") : Process.GetCurrentProcess().WorkingSet64;
    }

    /// <summary>The highest resident memory since the last <see cref="Reset"/>, in bytes.</summary>
    public static long Read() => File.Exists(Status) ? Field("VmHWM:") : Process.GetCurrentProcess().PeakWorkingSet64;

    private static long Field(string name)
    {
        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))
                   ?? throw new InvalidDataException($"{Status} has no {name} line.");
        return long.Parse(line[name.Length..].Trim().Split(' ')[0]) * 1024;   // "VmHWM:   123456 kB"
    }
}
