using System.Text.Json;
using Rsir.Experiments;
using Rsir.Tests.Reliability;

namespace Rsir.Tests.Grid;

/// <summary>A point's state from its results folder, Slurm's queue and its attempt records (folders made by hand here),
/// what a new submission would hold, and the table <c>collect</c> builds from finished folders.</summary>
public class GridStatusTests : IDisposable
{
    readonly string folder = CliHarness.NewTempFolder("rsir-grid-status-");
    string Root => Path.Combine(folder, "results");

    public void Dispose() => CliHarness.DeleteQuietly(folder);

    /// <summary>A loop folder as RsirLoop leaves it, with <paramref name="rounds"/> finished rounds and their test ranks.</summary>
    internal static void FakeLoop(string path, params int[][] ranksPerRound)
    {
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "options.json"), JsonSerializer.Serialize(new RsirLoopOptions(), ResultsFolder.Json));
        for (int k = 0; k < ranksPerRound.Length; k++)
        {
            string round = Path.Combine(path, LoopFolder.RoundFolderName(k));
            WriteRanks(round, ranksPerRound[k]);
            File.WriteAllText(Path.Combine(round, "done"), "");
        }
    }

    /// <summary>A finished training run's folder: its per-user test ranks (−1 = a miss).</summary>
    internal static void WriteRanks(string path, int[] ranks)
    {
        Directory.CreateDirectory(path);
        File.WriteAllLines(Path.Combine(path, "test_ranks.csv"), ranks.Select((r, u) => $"{u + 1},{r}").Prepend("user,rank"));
    }

    GridPlan FivePoints() => GridPlan.Load(GridPlanTests.Write(folder, """
        { "runs": [ { "name": "a", "labels": { "p": "a" }, "run": "loop --dataset beauty --rounds 1" },
                    { "name": "b", "labels": { "p": "b" }, "run": "train --dataset beauty" },
                    { "name": "c", "labels": { "p": "c" }, "run": "train --dataset beauty" },
                    { "name": "d", "labels": { "p": "d" }, "run": "train --dataset beauty" },
                    { "name": "e", "labels": { "p": "e" }, "run": "train --dataset beauty" } ] }
        """), Root);

    [Fact]
    public void Status_comes_from_the_folders_then_from_Slurm_then_from_the_attempt_records()
    {
        var plan = FivePoints();
        FakeLoop(Path.Combine(Root, "a"), new[] { 1, 2 });                 // round 0 of 0..1
        Directory.CreateDirectory(Path.Combine(Root, "b.partial"));        // a training run that stopped
        WriteRanks(Path.Combine(Root, "d"), new[] { 1, 2 });               // finished
        var state = new GridState(plan);
        var early = DateTimeOffset.UtcNow.AddMinutes(-5);
        state.Write(new GridAttempt("c", 2, Environment.MachineName, -1, null, null, early, early.AddMinutes(1), 2, "boom"));

        var local = state.Status();
        Assert.Equal(new[] { GridPointState.Pending, GridPointState.Pending, GridPointState.Failed, GridPointState.Done, GridPointState.Pending },
            local.Select(s => s.State));
        Assert.Equal("rounds 0..0 of 0..1 finished (resumes)", local[0].Detail);
        Assert.Contains("unfinished", local[1].Detail);
        Assert.Equal($"exit 2 on {Environment.MachineName}: boom", local[2].Detail);
        Assert.Equal("not started", local[4].Detail);
        Assert.DoesNotContain(local, s => s.Active);

        // Submitted as job 7 (points a, b, c, e): a runs, b waits, c and e are no longer in the queue and left no attempt.
        state.Add(new GridSubmission("7", 0, new[] { 0, 1, 2, 4 }, "plan.json", "stage0.sbatch", null, DateTimeOffset.UtcNow));
        var queue = new Dictionary<string, SlurmTask> { ["7_0"] = new("RUNNING", "None"), ["7_1"] = new("PENDING", "Resources"), ["8_2"] = new("RUNNING", "None") };
        var slurm = state.Status(queue);
        Assert.Equal(new[] { GridPointState.Running, GridPointState.Pending, GridPointState.Failed, GridPointState.Done, GridPointState.Failed },
            slurm.Select(s => s.State));
        Assert.Equal(new[] { true, true, false, false, false }, slurm.Select(s => s.Active));
        Assert.Contains("queued as Slurm task 7_1 (PENDING, Resources)", slurm[1].Detail);
        Assert.Equal("Slurm task 7_2 ended before rsir started (see its log)", slurm[2].Detail);
        Assert.Equal(GridState.LogFile(plan.StateFolder, "7_4"), slurm[4].Log);

        // The task for c started and failed: its own record says why.
        state.Write(new GridAttempt("c", 2, "node1", 42, "7_2", GridState.LogFile(plan.StateFolder, "7_2"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, "diverged"));
        Assert.Equal("exit 1 as Slurm task 7_2: diverged", state.Status(queue)[2].Detail);

        // When squeue cannot be asked, nothing submitted is called failed.
        var unknown = state.Status(null, "squeue: connection refused");
        Assert.Equal(new[] { GridPointState.Pending, GridPointState.Pending, GridPointState.Failed, GridPointState.Done, GridPointState.Pending },
            unknown.Select(s => s.State));
        Assert.Contains("Slurm could not be asked (squeue: connection refused)", unknown[4].Detail);

        // A new submission holds what is neither done nor queued or running: c (index 2) and e (index 4).
        var arrays = GridSlurm.Plan(plan, state.Status(queue), new SlurmSettings(), new[] { "dotnet", "rsir.dll" }, "/frozen/plan.json");
        Assert.Equal(new[] { 2, 4 }, arrays.Single().Points.Select(p => p.Index));
        Assert.Contains("#SBATCH --array=2,4\n", arrays.Single().Script);
    }

    [Fact]
    public void A_later_stage_waits_for_the_still_active_tasks_of_earlier_stages()
    {
        var plan = GridPlan.Load(GridPlanTests.Write(folder, """
            { "grids": [ { "id": "base", "axes": { "seed": [1, 2] }, "labels": { "judge": "on" }, "run": "loop --dataset beauty --seed {seed}" },
                         { "id": "ablation", "after": ["base"], "axes": { "seed": [1, 2] }, "labels": { "judge": "off" },
                           "run": "loop --dataset beauty --no-judge --base-from {out}/base-{seed} --seed {seed}" } ] }
            """), Root);
        var state = new GridState(plan);
        state.Add(new GridSubmission("11", 0, new[] { 0, 1 }, "plan.json", "stage0.sbatch", null, DateTimeOffset.UtcNow));
        var status = state.Status(new Dictionary<string, SlurmTask> { ["11_1"] = new("RUNNING", "None") });
        var arrays = GridSlurm.Plan(plan, status, new SlurmSettings(), new[] { "rsir" }, "/frozen/plan.json");
        Assert.Equal(new[] { 0, 1 }, arrays.Select(a => a.Stage));
        Assert.Equal(new[] { 0 }, arrays[0].Points.Select(p => p.Index));   // 11_0 ended without a result: submitted again
        Assert.Empty(arrays[0].After);
        Assert.Equal(new[] { 2, 3 }, arrays[1].Points.Select(p => p.Index));
        Assert.Equal(new[] { "11" }, arrays[1].After);                     // and the array submitted just before it
    }

    [Fact]
    public void Collect_tests_each_group_against_the_baseline_row_seed_by_seed_and_lists_the_unfinished_points()
    {
        // Recall@10 per user (4 users): rank ≤ 10 is a hit.
        FakeLoop(Path.Combine(Root, "rsir-s1"), new[] { 1, 30, -1, -1 }, new[] { 1, 5, -1, -1 });   // 0.25 → 0.50
        FakeLoop(Path.Combine(Root, "rsir-s2"), new[] { 1, 1, 30, -1 }, new[] { 1, 1, 2, -1 });     // 0.50 → 0.75
        WriteRanks(Path.Combine(Root, "Mask-s1"), new[] { 2, -1, -1, -1 });                        // 0.25
        WriteRanks(Path.Combine(Root, "Mask-s2"), new[] { -1, -1, -1, -1 });                       // 0
        WriteRanks(Path.Combine(Root, "Crop-s1"), new[] { 3, 4, -1, -1 });                         // 0.50, seed 1 only
        var plan = GridPlan.Load(GridPlanTests.Write(folder, """
            { "baseline": { "method": "rsir", "round": 0 }, "metrics": ["recall@10", "ndcg@10"],
              "grids": [ { "axes": { "seed": [2, 1] }, "labels": { "method": "rsir" }, "name": "rsir-s{seed}", "run": "loop --dataset beauty --rounds 1 --seed {seed}" },
                         { "axes": { "method": ["Mask", "Crop"], "seed": [1, 2] }, "name": "{method}-s{seed}", "run": "baseline --dataset beauty --aug {method} --seed {seed}" } ] }
            """), Root);
        var table = GridCollect.Collect(plan);

        Assert.Equal(new[] { "Crop-s2" }, table.Missing.Select(p => p.Name));
        Assert.Equal(7, table.Rows.Count);
        var groups = table.Groups.ToDictionary(g => g.Label);
        Assert.Equal(new[] { "method=rsir, round=0", "method=rsir, round=1", "method=Mask", "method=Crop" }, groups.Keys);

        var base0 = groups["method=rsir, round=0"];
        Assert.Equal("baseline", base0.Note);
        Assert.Equal(0.375, base0.Metrics["recall@10"].Mean, 12);
        Assert.Equal(Math.Sqrt(2 * 0.125 * 0.125), base0.Metrics["recall@10"].Sd, 12);

        // Round 1: per-user recall averaged over the two seeds, base (1, .5, 0, 0) vs round 1 (1, 1, .5, 0): differences
        // (0, .5, .5, 0), mean .25, sd √(1/12), t = .25 / (√(1/12) / 2) = √3.
        var round1 = groups["method=rsir, round=1"];
        Assert.Equal("method=rsir, round=0", round1.Baseline);
        var test = round1.Tests["recall@10"];
        Assert.Equal(0.625, test.CandidateMean, 12);
        Assert.Equal(0.375, test.BaselineMean, 12);
        Assert.Equal(0.25 / 0.375, test.RelativeGain, 12);
        Assert.Equal(Math.Sqrt(3), test.TTest.Statistic, 9);
        Assert.InRange(test.TTest.PValue, 0.18, 0.19);

        Assert.Equal("method=rsir, round=0", groups["method=Mask"].Baseline);
        Assert.Equal((0.125 - 0.375) / 0.375, groups["method=Mask"].Tests["recall@10"].RelativeGain, 12);
        // Crop has seed 1 only: paired with seed 1's base (recall .25), not the seeds' mean: +100%.
        Assert.Equal(1.0, groups["method=Crop"].Tests["recall@10"].RelativeGain, 12);

        string written = GridCollect.Write(table);
        Assert.Equal(plan.StateFolder, written);
        var points = File.ReadAllLines(Path.Combine(written, "points.csv"));
        Assert.Equal("point,seed,method,round,recall@10,ndcg@10,folder", points[0]);
        Assert.StartsWith("rsir-s2,2,rsir,0,0.5,", points[1]);
        var groupsCsv = File.ReadAllLines(Path.Combine(written, "groups.csv"));
        Assert.Equal(5, groupsCsv.Length);
        Assert.StartsWith("\"method=rsir, round=1\",rsir,1,2,0.625,", groupsCsv[2]);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(written, "table.json")));
        Assert.Equal(new[] { "Crop-s2" }, json.RootElement.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Math.Sqrt(3), json.RootElement.GetProperty("groups")[1].GetProperty("tests").GetProperty("recall@10").GetProperty("t").GetDouble(), 9);
    }
}
