using System.Text.Json;
using Rsir.Analysis;
using Rsir.Cli;
using Rsir.Experiments;

namespace Rsir.Tests.Analysis;

public class LoopReadBackTests(TinyLoopFixture loop) : IClassFixture<TinyLoopFixture>
{
    /// <summary>Runs the CLI in-process; returns the exit code and the --json line (the last line of stdout).</summary>
    internal static (int Code, JsonElement Json) RunCli(params string[] args)
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int code;
        try { code = CliApp.Run(args); }
        finally { Console.SetOut(previous); }
        var last = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        return (code, JsonDocument.Parse(last).RootElement.Clone());
    }

    [Fact]
    public void The_folder_reads_back_as_the_loop_left_it()
    {
        var folder = LoopFolder.Open(loop.LoopPath);
        Assert.Equal(new[] { 0, 1 }, folder.Rounds);
        Assert.Equal(loop.Result.Rounds[1].SyntheticRows, folder.ReadSynthetic(1).Count);
        Assert.Empty(folder.ReadSynthetic(0));
        Assert.Equal(loop.Result.TestResults[1].Ranks, folder.ReadTestRanks(1).Ranks);
        Assert.Equal(loop.Result.Rounds[1].Test, folder.ReadRound(1).Test);
        var sets = folder.TrainingSets(folder.LoadInitialData().Dataset).ToArray();
        Assert.Equal(loop.Result.Rounds.Select(r => r.TrainRows), sets.Select(s => s.Data.TrainRows.Count));
        Assert.Equal(loop.Result.Rounds.Select(r => r.Density), sets.Select(s => s.Data.TrainingDensity()));
    }

    [Fact]
    public void Analyze_prints_density_and_apen_per_round_and_round_1_against_round_0()
    {
        var (code, json) = RunCli("analyze", "--run", loop.LoopPath, "--json");
        Assert.Equal(0, code);
        var rounds = json.GetProperty("rounds").EnumerateArray().ToArray();
        Assert.Equal(2, rounds.Length);

        var folder = LoopFolder.Open(loop.LoopPath);
        var sets = folder.TrainingSets(folder.LoadInitialData().Dataset).ToArray();
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(loop.Result.Rounds[k].Density, rounds[k].GetProperty("density").GetDouble(), 12);
            Assert.Equal(ApproximateEntropy.OfDataset(sets[k].Data).Mean, rounds[k].GetProperty("apen").GetDouble(), 12);
            Assert.Equal(ApproximateEntropy.OfDataset(sets[k].Data, RowSelection.RealOnly).Mean, rounds[k].GetProperty("apen_real").GetDouble(), 12);
        }
        var added = folder.ReadSynthetic(1).Select(r => (IReadOnlyList<int>)r.Items);
        Assert.Equal(ApproximateEntropy.Mean(added).Mean, rounds[1].GetProperty("apen_added").GetDouble(), 12);
        Assert.NotEqual(rounds[0].GetProperty("apen").GetDouble(), rounds[1].GetProperty("apen").GetDouble());

        var against = json.GetProperty("against_round_0").EnumerateArray().Single().GetProperty("comparison");
        Assert.Equal(loop.Result.Rounds[1].Ndcg(10) - loop.Result.Rounds[0].Ndcg(10), against.GetProperty("mean_difference").GetDouble(), 12);
        var expected = Significance.Compare(loop.Result.TestResults[0], loop.Result.TestResults[1], "ndcg", 10);
        Assert.Equal(expected.TTest.PValue, against.GetProperty("p_t").GetDouble(), 12);
        Assert.Equal(expected.Wilcoxon.PValue, against.GetProperty("p_wilcoxon").GetDouble(), 12);
    }

    [Fact]
    public void Naive_insertion_grows_the_data_as_rsir_did_and_is_measured_the_same_way()
    {
        var folder = LoopFolder.Open(loop.LoopPath);
        var initial = folder.LoadInitialData().Dataset;
        var rsir = LoopReport.DataByRound(folder, initial);
        var insert = LoopReport.InsertGrowth(folder, initial);
        Assert.Equal(rsir.Select(r => r.TrainRows), insert.Select(r => r.TrainRows));   // matched growth
        Assert.Equal(rsir[0].ApEn, insert[0].ApEn, 12);
        Assert.Equal(rsir[0].Density, insert[0].Density, 12);
        // Inserted copies are longer than their sources (n + max(1, ⌊0.4 n⌋) items), so density can only rise.
        Assert.True(insert[1].Density > rsir[0].Density, $"insertion adds longer rows: {insert[1].Density} vs {rsir[0].Density}");
        Assert.Equal(insert.Select(r => r.ApEn), LoopReport.InsertGrowth(folder, initial).Select(r => r.ApEn));   // seeded

        var (code, json) = RunCli("analyze", "--run", loop.LoopPath, "--insert-baseline", "--json");
        Assert.Equal(0, code);
        var rows = json.GetProperty("insert_baseline").EnumerateArray().ToArray();
        Assert.Equal(insert[1].ApEn, rows[1].GetProperty("apen").GetDouble(), 12);
    }

    [Fact]
    public void Analyze_compares_two_runs_and_refuses_runs_over_other_users()
    {
        var (code, json) = RunCli("analyze", "--run", loop.LoopPath, "--compare", loop.LoopPath, "--compare-round", "0",
            "--metric", "recall", "--k", "20", "--json");
        Assert.Equal(0, code);
        var comparison = json.GetProperty("compare").GetProperty("comparison");
        Assert.Equal("recall@20", comparison.GetProperty("metric").GetString());
        Assert.Equal(loop.Result.Rounds[1].Recall(20) - loop.Result.Rounds[0].Recall(20), comparison.GetProperty("mean_difference").GetDouble(), 12);

        // A training run's folder over other users: only test_ranks.csv matters.
        var other = Path.Combine(loop.Folder, "other-run");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "test_ranks.csv"), "user,rank\n1,3\n2,-1\n100000,1\n");
        var (refused, error) = RunCli("analyze", "--run", loop.LoopPath, "--compare", other, "--json");
        Assert.Equal(2, refused);
        Assert.Contains("different users", error.GetProperty("error").GetString());

        Assert.Equal(2, RunCli("analyze", "--run", loop.Folder, "--json").Code);   // not a loop folder
    }

    [Fact]
    public void Theory_measures_every_term_and_reuses_its_reference_models()
    {
        var (code, output) = RunCli("theory", "--run", loop.LoopPath, "--json");
        Assert.Equal(0, code);
        var json = output.GetProperty("result");
        var row = json.GetProperty("rows").EnumerateArray().Single();
        var rounds = loop.Result.Rounds;
        Assert.Equal(1 - rounds[0].Validation["recall@20"], row.GetProperty("e_k").GetDouble(), 12);
        Assert.Equal(1 - rounds[1].Validation["recall@20"], row.GetProperty("e_next").GetDouble(), 12);
        var d1 = LoopFolder.Open(loop.LoopPath).TrainingSets(LoopFolder.Open(loop.LoopPath).LoadInitialData().Dataset).Last().Data;
        Assert.Equal(ErrorRecurrence.SyntheticShare(d1), row.GetProperty("lambda_k").GetDouble(), 12);
        var miss = json.GetProperty("miss_rates").EnumerateArray().Single();
        long steps = LoopFolder.Open(loop.LoopPath).ReadSynthetic(1).Sum(r => r.Items.Length - 1L);   // FirstItem prefix
        Assert.Equal(steps, miss.GetProperty("added_steps").GetInt64());
        Assert.InRange(row.GetProperty("miss_rate_k").GetDouble(), 0, 1);
        // One transition: ρ fits it exactly, or is clamped at 0 because E_1 is below even the ρ = 0 bound.
        if (json.GetProperty("rho_clamped").GetBoolean()) Assert.True(row.GetProperty("slack").GetDouble() > 0);
        else Assert.Equal(0, row.GetProperty("slack").GetDouble(), 9);
        Assert.Equal(ErrorRecurrence.Bound(json.GetProperty("e0").GetDouble(), json.GetProperty("emax").GetDouble(),
            json.GetProperty("rho").GetDouble(), row.GetProperty("e_k").GetDouble(), row.GetProperty("lambda_k").GetDouble(),
            row.GetProperty("miss_rate_k").GetDouble()), row.GetProperty("bound").GetDouble(), 12);
        Assert.InRange(json.GetProperty("emax").GetDouble(), 0, 1);
        Assert.True(File.Exists(Path.Combine(loop.LoopPath, "theory", "reference-s2024.bin")));

        var stamp = File.GetLastWriteTimeUtc(Path.Combine(loop.LoopPath, "theory", "reference-s2024.bin"));
        var (again, second) = RunCli("theory", "--run", loop.LoopPath, "--json");
        Assert.Equal(0, again);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(loop.LoopPath, "theory", "reference-s2024.bin")));
        Assert.Equal(row.GetProperty("miss_rate_k").GetDouble(), second.GetProperty("result").GetProperty("rows")[0].GetProperty("miss_rate_k").GetDouble());

        var (analytic, third) = RunCli("theory", "--run", loop.LoopPath, "--analytic-emax", "--json");
        Assert.Equal(0, analytic);
        var initial = LoopFolder.Open(loop.LoopPath).LoadInitialData().Dataset;
        Assert.Equal(ErrorRecurrence.RandomRankingError(initial, 20), third.GetProperty("result").GetProperty("emax").GetDouble(), 12);
    }

    [Fact]
    public void Theory_checks_the_unjudged_run_with_the_judged_runs_rho_and_models()
    {
        var unjudgedPath = Path.Combine(loop.Folder, "loop-nojudge");
        var options = TinyLoop.Options(loop.DataPath);
        new RsirLoop(options with { Generation = options.Generation.WithoutFidelityControl() }).Run(unjudgedPath, baseFrom: loop.LoopPath);

        var (code, json) = RunCli("theory", "--run", loop.LoopPath, "--unjudged", unjudgedPath, "--json");
        Assert.Equal(0, code);
        JsonElement judged = json.GetProperty("judged"), unjudged = json.GetProperty("unjudged");
        Assert.Equal(judged.GetProperty("rho").GetDouble(), unjudged.GetProperty("rho").GetDouble());
        Assert.Equal("given", unjudged.GetProperty("rho_basis").GetString());
        Assert.Equal(judged.GetProperty("emax").GetDouble(), unjudged.GetProperty("emax").GetDouble());
        Assert.Equal(judged.GetProperty("e0").GetDouble(), unjudged.GetProperty("e0").GetDouble());   // the shared base model
        Assert.Equal(judged.GetProperty("tau").GetDouble(), unjudged.GetProperty("tau").GetDouble());
        Assert.False(File.Exists(Path.Combine(unjudgedPath, "theory", "reference-s2024.bin")));   // the judged run's models are reused
        var row = unjudged.GetProperty("rows")[0];
        Assert.Equal(1 - LoopFolder.Open(unjudgedPath).ReadRound(1).Validation["recall@20"], row.GetProperty("e_next").GetDouble(), 12);

        var saved = TheoryCheck.ReadTable(unjudgedPath);   // what a notebook reads back from a CLI run
        Assert.Equal(row.GetProperty("bound").GetDouble(), saved.Rows[0].Bound, 12);
        Assert.Equal(unjudged.GetProperty("rho").GetDouble(), saved.Rho.Value, 12);

        var (wrongOrder, error) = RunCli("theory", "--run", unjudgedPath, "--unjudged", loop.LoopPath, "--json");
        Assert.Equal(2, wrongOrder);
        Assert.Contains("without the judge", error.GetProperty("error").GetString());
    }
}
