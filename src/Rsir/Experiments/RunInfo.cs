using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Rsir.Experiments;

/// <summary>Where and from what a run was made: enough to reproduce it from its results folder.</summary>
public sealed record RunInfo(string Commit, string Machine, string Os, string Cpu, int Cores, string Device,
    string Framework, DateTimeOffset Started)
{
    public static RunInfo Capture(string device) => new(GitCommit(), Environment.MachineName,
        RuntimeInformation.OSDescription, CpuModel(), Environment.ProcessorCount, device,
        RuntimeInformation.FrameworkDescription, DateTimeOffset.UtcNow);

    private static string GitCommit()
    {
        try
        {
            var start = new ProcessStartInfo("git", "rev-parse --short=12 HEAD")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
              WorkingDirectory = AppContext.BaseDirectory };
            using var git = Process.Start(start)!;
            string output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit(5000);
            if (git.ExitCode != 0 || output.Length == 0) return "unknown";
            start.Arguments = "status --porcelain --untracked-files=no";
            using var status = Process.Start(start)!;
            bool dirty = status.StandardOutput.ReadToEnd().Trim().Length > 0;
            status.WaitForExit(5000);
            return dirty ? output + "+dirty" : output;
        }
        catch (Exception) { return "unknown"; }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (Exception) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }
}
