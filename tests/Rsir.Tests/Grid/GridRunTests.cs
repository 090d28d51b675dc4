using Rsir.Tests.Experiments;
using Rsir.Tests.Reliability;

namespace Rsir.Tests.Grid;

/// <summary><c>rsir grid run</c> on this machine: real (tiny) loops, a point that fails without stopping the others,
/// finished points skipped, an unfinished one resumed, and the collected table.</summary>
public class GridRunTests : IDisposable
{
    readonly string folder = CliHarness.NewTempFolder("rsir-grid-run-");

    public void Dispose() => CliHarness.DeleteQuietly(folder);

    [Fact]
    public void A_plan_runs_point_by_point_skips_what_is_done_resumes_what_is_not_and_a_failing_point_fails_alone()
    {
        string data = RsirLoopTests.WriteToyDataset(folder, users: 80, items: 30, seed: 5);
        string config = GridPlanTests.Write(folder, """
            { "Device": "cpu", "Backbone": { "Dim": 16, "Heads": 2, "FeedForward": 32, "Layers": 1, "MaxLength": 12 },
              "Training": { "MaxEpochs": 2, "Patience": 2, "BatchSize": 24, "Negatives": 16 } }
            """, "config.json");
        string results = Path.Combine(folder, "results");
        string plan = GridPlanTests.Write(folder, $$"""
            { "name": "toy", "out": "{{results}}", "baseline": { "round": 0 },
              "grids": [ { "axes": { "seed": [7, 8] }, "name": "toy-s{seed}",
                           "run": "loop --dataset {{data}} --config {{config}} --rounds 1 --m 1 --seeds RealOnly --seed {seed}" } ],
              "runs": [ { "name": "broken", "labels": { "seed": 7, "method": "broken" }, "run": "train --dataset {{folder}}/missing.txt" } ] }
            """);

        var first = CliHarness.Run("grid", "run", plan, "--json");
        Assert.True(first.ExitCode == 1, $"exit {first.ExitCode}\n{first.Stderr}");
        Assert.Equal(2, first.Json.GetProperty("done").GetInt32());
        Assert.Equal(1, first.Json.GetProperty("failed").GetInt32());
        Assert.Contains("[grid 1/3: 0 done, 0 failed] toy-s7", first.Stderr);
        Assert.Contains("[grid 3/3: 2 done, 0 failed] broken", first.Stderr);
        Assert.Contains("epoch    1", first.Stderr);   // the point's own progress

        var status = CliHarness.Run("grid", "status", plan, "--json");
        Assert.Equal(0, status.ExitCode);
        var points = status.Json.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(new[] { "done", "done", "failed" }, points.Select(p => p.GetProperty("state").GetString()));
        Assert.Contains("missing.txt does not exist", points[2].GetProperty("detail").GetString());

        // Again: the finished points are skipped untouched, the failing one is tried again (and fails again).
        var before = CliHarness.Listing(Path.Combine(results, "toy-s7"));
        var second = CliHarness.Run("grid", "run", plan, "--json");
        Assert.Equal(1, second.ExitCode);
        Assert.Equal(new[] { "done", "done", "failed" }, second.Json.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("state").GetString()));
        Assert.Equal(before, CliHarness.Listing(Path.Combine(results, "toy-s7")));

        // An unfinished point (its last round removed) resumes after its finished round 0.
        string round0Done = File.ReadAllText(Path.Combine(results, "toy-s8", "round-00", "done"));
        Directory.Delete(Path.Combine(results, "toy-s8", "round-01"), recursive: true);
        var unfinished = CliHarness.Run("grid", "status", plan, "--json").Json.GetProperty("points")[1];
        Assert.Equal("pending", unfinished.GetProperty("state").GetString());
        Assert.Equal("rounds 0..0 of 0..1 finished (resumes)", unfinished.GetProperty("detail").GetString());
        var third = CliHarness.Run("grid", "run", plan, "--json");
        Assert.Contains("0 (saved)", third.Stderr);   // the loop read round 0 back
        Assert.Equal(round0Done, File.ReadAllText(Path.Combine(results, "toy-s8", "round-00", "done")));
        Assert.Equal(2, third.Json.GetProperty("done").GetInt32());

        var collect = CliHarness.Run("grid", "collect", plan, "--json");
        Assert.True(collect.ExitCode == 0, collect.Stderr);
        var groups = collect.Json.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(new[] { "round=0", "round=1" }, groups.Select(g => g.GetProperty("group").GetString()));
        Assert.Equal(2, groups[1].GetProperty("seeds").GetInt32());
        Assert.Equal("round=0", groups[1].GetProperty("baseline").GetString());
        Assert.InRange(groups[1].GetProperty("p_t").GetProperty("ndcg@10").GetDouble(), 0, 1);
        Assert.Equal(new[] { "broken" }, collect.Json.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(results, "grid-toy", "points.csv")).Length);
    }
}
