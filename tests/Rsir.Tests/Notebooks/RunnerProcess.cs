using System.Diagnostics;
using System.Text;

namespace Rsir.Tests.Notebooks;

/// <summary>What one run of the headless notebook runner did.</summary>
sealed record RunnerRun(int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Duration)
{
    public string Describe(int chars = 6000) =>
        $"exit code {ExitCode}{(TimedOut ? " (timed out)" : "")} after {Duration.TotalSeconds:F0} s\n" +
        $"--- stderr ---\n{Tail(Stderr, chars)}\n--- stdout ---\n{Tail(Stdout, chars)}";

    private static string Tail(string s, int chars) => s.Length <= chars ? s : "…" + s[^chars..];
}

/// <summary>
/// Runs the built notebook runner (src/Rsir.Notebooks.Runner, this test's configuration) as a separate process:
/// notebooks load native libraries and may crash, which must not take the test host down.
/// </summary>
static class RunnerProcess
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rsir.sln")) && Directory.Exists(Path.Combine(dir.FullName, "notebooks")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No folder with Rsir.sln and notebooks/ above {AppContext.BaseDirectory}.");
    }

    /// <summary>A project's build output in this test's configuration (the test project's references build it).</summary>
    public static string BuildOutput(string project, string file)
    {
        string path = Path.Combine(RepositoryRoot(), "src", project, "bin", Configuration, "net10.0", "linux-x64", file);
        Assert.True(File.Exists(path), $"{path} is missing. Build the solution first: dotnet build Rsir.sln -c {Configuration}.");
        return path;
    }

    public static RunnerRun Run(IEnumerable<string> arguments, TimeSpan limit, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuildOutput("Rsir.Notebooks.Runner", "Rsir.Notebooks.Runner.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["RSIR_PROFILE"] = "quick";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(limit);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (stdout) lock (stderr)
            return new RunnerRun(exited ? process.ExitCode : -1, stdout.ToString(), stderr.ToString(), !exited, clock.Elapsed);
    }
}
