using System.Diagnostics;
using System.Runtime.InteropServices;
using Rsir.Runtime;

namespace Rsir.Experiments;

/// <summary>Where and from what a run was made: enough to reproduce it from its results folder.</summary>
public sealed record RunInfo(string Commit, string Machine, string Os, string Cpu, int Cores, string Device,
    string Framework, DateTimeOffset Started, string? Settings = null)
{
    /// <summary>Now, on this machine; <see cref="Settings"/> holds the process-wide settings in force (<see cref="ProcessSettings"/>).</summary>
    public static RunInfo Capture(string device)
    {
        ComputeDevice.EnsureLibTorch();
        return new(GitCommit(), Environment.MachineName, RuntimeInformation.OSDescription, CpuModel(), Environment.ProcessorCount,
            device, RuntimeInformation.FrameworkDescription, DateTimeOffset.UtcNow, ProcessSettings.Describe());
    }

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
            if (git.ExitCode != 0 || output.Length == 0) return BuildCommit();
            // "+dirty" means the code that ran differs from the commit: results, notebooks and docs do not count.
            start.Arguments = "status --porcelain --untracked-files=no -- :/src :/build :/Directory.Build.props :/Directory.Build.targets :/global.json";
            using var status = Process.Start(start)!;
            bool dirty = status.StandardOutput.ReadToEnd().Trim().Length > 0;
            status.WaitForExit(5000);
            return dirty ? output + "+dirty" : output;
        }
        catch (Exception) { return BuildCommit(); }
    }

    /// <summary>Outside a checkout (a copied or published build): the commit the SDK stamped into the assembly at build
    /// time ("1.0.0+&lt;sha&gt;"), marked as such; "unknown" if there is none.</summary>
    private static string BuildCommit()
    {
        var version = typeof(RunInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        int plus = version?.IndexOf('+') ?? -1;
        return plus < 0 ? "unknown" : $"{version![(plus + 1)..][..Math.Min(12, version.Length - plus - 1)]} (build)";
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
