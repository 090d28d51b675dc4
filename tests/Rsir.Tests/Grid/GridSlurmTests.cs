using System.Diagnostics;
using Rsir.Tests.Reliability;
using Xunit.Abstractions;

namespace Rsir.Tests.Grid;

/// <summary>
/// <c>rsir grid submit --slurm</c> against a real Slurm: a one-node cluster started for the test, a tiny plan (two RSIR
/// loops on a 200-user slice of Beauty, one epoch, and a point that fails), submitted as one job array; status until
/// nothing is pending or running, the collected table, and a resubmission that holds only the failed point.
/// </summary>
public class GridSlurmTests(ITestOutputHelper output) : IDisposable
{
    readonly string folder = CliHarness.NewTempFolder("rsir-grid-slurm-");

    public void Dispose() => CliHarness.DeleteQuietly(folder);

    static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Grid", "slurm-one-node.sh");

    internal static (int Code, string Output) Cluster(string action, string dir = "")
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Script, action, dir }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    (int Code, string Output) Logged(string action, string dir)
    {
        var result = Cluster(action, dir);
        output.WriteLine($"slurm-one-node.sh {action}: exit {result.Code}\n{result.Output}");
        return result;
    }

    /// <summary>Needs a real one-node Slurm cluster: it runs as root on Linux where Slurm is installed or apt-get installs
    /// it (Debian's slurmctld, slurmd, munge, slurm-client), and is reported as skipped, with the reason, everywhere else.
    /// The install happens when the test runs, never when tests are discovered (a filtered run does not pay for it).</summary>
    [SkippableFact]
    public void A_plan_submitted_to_a_one_node_Slurm_runs_as_a_job_array_and_its_status_and_table_follow()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Slurm test: not Linux.");
        Skip.IfNot(Environment.IsPrivilegedProcess, "Slurm test: needs root (it installs and starts slurmctld, slurmd and munged).");
        var install = Logged("install", "");
        Skip.If(install.Code == 3, $"Slurm test: Slurm is not installed and could not be installed here: {install.Output.Trim()}");
        Assert.True(install.Code == 0, $"slurm-one-node.sh install: exit {install.Code}\n{install.Output}");
        var clock = Stopwatch.StartNew();
        string cluster = Path.Combine(folder, "slurm");
        string? previousConf = Environment.GetEnvironmentVariable("SLURM_CONF");
        try
        {
            var (code, started) = Logged("start", cluster);
            Assert.True(code == 0, $"the one-node cluster did not start (exit {code}):\n{started}");
            Environment.SetEnvironmentVariable("SLURM_CONF", Path.Combine(cluster, "slurm.conf"));
            output.WriteLine($"cluster up after {clock.Elapsed.TotalSeconds:F1} s");

            string results = Path.Combine(folder, "results");
            string plan = GridPlanTests.Write(folder, $$"""
                { "name": "tiny", "out": "{{results}}", "baseline": { "round": 0 },
                  "grids": [ { "axes": { "seed": [2023, 2024] }, "name": "tiny-s{seed}",
                               "run": "loop --dataset beauty --limit-users 200 --max-epochs 1 --rounds 1 --m 1 --seeds RealOnly --device cpu --seed {seed}" } ],
                  "runs": [ { "name": "broken", "labels": { "seed": 2023, "method": "broken" }, "run": "train --dataset {{folder}}/missing.txt" } ] }
                """);

            var submit = CliHarness.Run("grid", "submit", plan, "--slurm", "--json");
            Assert.True(submit.ExitCode == 0, $"submit: exit {submit.ExitCode}\n{submit.Stderr}");
            var array = submit.Json.GetProperty("arrays").EnumerateArray().Single();
            Assert.Equal("[0,1,2]", array.GetProperty("indices").GetRawText());
            string job = array.GetProperty("job").GetString()!;

            CliOutcome status;
            var seen = new HashSet<string>();
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                status = CliHarness.Run("grid", "status", plan, "--json");
                Assert.True(status.ExitCode == 0, status.Stderr);
                foreach (var p in status.Json.GetProperty("points").EnumerateArray()) seen.Add(p.GetProperty("state").GetString()!);
                if (status.Json.GetProperty("pending").GetInt32() + status.Json.GetProperty("running").GetInt32() == 0) break;
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(5), $"still pending or running after 5 minutes:\n{status.Stderr}");
                Thread.Sleep(1000);
            }
            output.WriteLine($"job {job} finished after {clock.Elapsed.TotalSeconds:F1} s; states seen: {string.Join(", ", seen)}\n{status.Stderr}");
            var points = status.Json.GetProperty("points").EnumerateArray().ToArray();
            Assert.Equal(new[] { "done", "done", "failed" }, points.Select(p => p.GetProperty("state").GetString()));
            Assert.Contains($"as Slurm task {job}_2", points[2].GetProperty("detail").GetString());
            Assert.Contains("missing.txt does not exist", points[2].GetProperty("detail").GetString());
            string log = points[2].GetProperty("log").GetString()!;
            Assert.Contains("missing.txt does not exist", File.ReadAllText(log));
            Assert.Contains("epoch    1", File.ReadAllText(points[0].GetProperty("log").GetString()!));

            var collect = CliHarness.Run("grid", "collect", plan, "--json");
            Assert.True(collect.ExitCode == 0, collect.Stderr);
            var groups = collect.Json.GetProperty("groups").EnumerateArray().ToArray();
            Assert.Equal(new[] { "round=0", "round=1" }, groups.Select(g => g.GetProperty("group").GetString()));
            Assert.All(groups, g => Assert.Equal(2, g.GetProperty("seeds").GetInt32()));
            Assert.Equal("round=0", groups[1].GetProperty("baseline").GetString());
            Assert.Equal(new[] { "broken" }, collect.Json.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
            output.WriteLine(collect.Stderr);

            // Resubmitting holds only what is not done: the failed point.
            var again = CliHarness.Run("grid", "submit", plan, "--slurm", "--dry-run", "--json");
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.Equal("[2]", again.Json.GetProperty("arrays").EnumerateArray().Single().GetProperty("indices").GetRawText());
            output.WriteLine($"Slurm test: {clock.Elapsed.TotalSeconds:F1} s in all");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_CONF", previousConf);
            Logged("stop", cluster);
        }
    }
}
