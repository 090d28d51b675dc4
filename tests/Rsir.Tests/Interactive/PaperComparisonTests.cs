using System.Text.Json;
using Rsir.Analysis;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Interactive;
using Rsir.Training;

namespace Rsir.Tests.Interactive;

public sealed class PaperComparisonTests : IDisposable
{
    private const int Users = 1000;
    private readonly string temp = Directory.CreateTempSubdirectory("rsir-paper-").FullName;

    private string Root => Path.Combine(temp, "results", "committed");

    public void Dispose() => Directory.Delete(temp, recursive: true);

    /// <summary>test_ranks.csv over 1,000 users: users 0..hits−1 rank first, the others 100th (so recall@10 = ndcg@10 = hits/1000).</summary>
    private static void WriteRanks(string folder, int hits)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "test_ranks.csv"),
            Enumerable.Range(0, Users).Select(u => $"{u},{(u < hits ? 1 : 100)}").Prepend("user,rank"));
    }

    /// <summary>A loop folder as RsirLoop leaves it, as far as the comparison reads it: options.json, and per finished
    /// round its test ranks and done marker.</summary>
    private void Loop(string name, int[] hitsByRound, string dataset = "sports", long seed = 2023, int? limitUsers = null,
        double tau = 20)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        var options = new RsirLoopOptions
        {
            Run = new TrainingRunOptions { Dataset = dataset, LimitUsers = limitUsers, Training = new TrainingOptions { Seed = seed } },
            Generation = new GenerationOptions { Tau = tau },
            Rounds = hitsByRound.Length - 1,
        };
        File.WriteAllText(Path.Combine(folder, "options.json"), JsonSerializer.Serialize(options, ResultsFolder.Json));
        for (int k = 0; k < hitsByRound.Length; k++)
        {
            var round = Path.Combine(folder, LoopFolder.RoundFolderName(k));
            WriteRanks(round, hitsByRound[k]);
            File.WriteAllText(Path.Combine(round, "done"), "done");
        }
    }

    private static ReproductionRow Row(PaperComparison comparison, string section, string what, string metric = "recall@10") =>
        comparison.Section(section).Single(r => r.Paper.What == what && r.Paper.Metric == metric);

    [Fact]
    public void Without_results_every_claim_is_not_run_with_the_command_that_makes_it()
    {
        var comparison = PaperComparison.Build(Root);
        // Table 1: 4 datasets × (best non-RSIR, RSIR) + 3 other backbones; Table 2: 2 metrics × (base + 6 + 7 variants);
        // multi-round 3, weak-to-strong 1, density and ApEn 3, sensitivity 2, noise 2.
        Assert.Equal(50, comparison.Rows.Count);
        Assert.All(comparison.Rows, r =>
        {
            Assert.Equal(ReproductionStatus.NotRun, r.Status);
            Assert.Null(r.Ours);
            Assert.Matches(@"^(RSIR_DATA_DIR=\S+ )?\./rsir (loop|analyze|sweep) ", r.Command);
            Assert.StartsWith("results/committed/", r.Folder);
        });
        Assert.Equal(new[]
        {
            PaperComparison.Table1, PaperComparison.Table2, PaperComparison.Table2Variants, PaperComparison.MultiRound,
            PaperComparison.WeakToStrong, PaperComparison.Data, PaperComparison.Sensitivity, PaperComparison.Noise,
        }, comparison.Sections);
        Assert.Equal("all sections: 50 rows — 0 reproduced, 0 direction only, 0 not reproduced, 50 not run", comparison.Summary());
        Assert.Equal(50, comparison.Counts()[ReproductionStatus.NotRun]);

        var yelp = Row(comparison, PaperComparison.Table1, "SASRec/Yelp: RSIR round 1 vs the best non-RSIR");
        Assert.Equal("RSIR_DATA_DIR=/path/to/data ./rsir loop --dataset yelp --rounds 1 --seed 2023 --name yelp-s2023", yelp.Command);
        Assert.Equal("results/committed/yelp-s*", yelp.Folder);
        var round2 = Row(comparison, PaperComparison.Table2, "RSIR-2nd without fidelity control", "ndcg@10");
        Assert.Equal("./rsir loop --dataset sports --rounds 2 --no-judge --base-from results/sports-s2023 --seed 2023 --name sports-nojudge-s2023",
            round2.Command);
    }

    [Fact]
    public void Rows_with_results_get_their_status_and_the_others_stay_not_run()
    {
        Loop("sports-s2023", new[] { 49 });
        WriteRanks(Path.Combine(Root, "sports-Mask-s2023"), 50);
        Loop("sports-hstu-s2023", new[] { 30, 52 });
        Loop("sports-hstu-s2024", new[] { 30, 54 }, seed: 2024);
        Loop("yelp-hstu-s2023", new[] { 40, 30 }, dataset: "yelp");
        Loop("beauty-cl4srec-s2023", new[] { 200, 250 }, dataset: "beauty");
        Loop("sports2k-nojudge", new[] { 50, 50 }, seed: 7, limitUsers: 2000, tau: double.PositiveInfinity);

        var comparison = PaperComparison.Build(Root);

        // The best non-RSIR model on Sports is the Mask baseline (0.050 > the base's 0.049), within 0.0017 of 0.0495.
        var sportsBase = Row(comparison, PaperComparison.Table1, "SASRec/Sports: best non-RSIR (DR4SR) model");
        Assert.Equal(ReproductionStatus.Reproduced, sportsBase.Status);
        Assert.Equal(0.050, sportsBase.Ours!.Value.Mean, 12);
        Assert.Equal("our best non-RSIR: Mask baseline, 1 seed(s)", sportsBase.Ours.Text);
        var sportsRsir = Row(comparison, PaperComparison.Table1, "SASRec/Sports: RSIR round 1 vs the best non-RSIR");
        Assert.Equal(ReproductionStatus.NotRun, sportsRsir.Status);
        Assert.Equal("./rsir loop --dataset sports --rounds 1 --seed 2023 --name sports-s2023", sportsRsir.Command);

        // Table 2's base: recall 0.049 is within 0.0038 of 0.0474; ndcg 0.049 is not within 0.0022 of 0.0271.
        Assert.Equal(ReproductionStatus.Reproduced, Row(comparison, PaperComparison.Table2, "SASRec base (original training data)").Status);
        Assert.Equal(ReproductionStatus.NotReproduced, Row(comparison, PaperComparison.Table2, "SASRec base (original training data)", "ndcg@10").Status);

        var hstu = Row(comparison, PaperComparison.Table1, "HSTU/Sports: RSIR round 1 vs best baseline (DR4SR)");
        Assert.Equal(ReproductionStatus.Reproduced, hstu.Status);
        Assert.Equal(0.053, hstu.Ours!.Value.Mean, 12);
        Assert.Equal(Math.Sqrt(2) * 0.001, hstu.Ours.Value.Sd, 12);
        Assert.Equal(2, hstu.Ours.Value.Count);
        Assert.Equal(0.030, hstu.Ours.Reference!.Value, 12);
        Assert.Equal("2 seeds (2023, 2024)", hstu.Ours.Text);
        Assert.InRange(hstu.Ours.Test!.TTest.PValue, 0, 1e-4);
        Assert.Equal(1000, hstu.Ours.Test.Users);
        Assert.Equal("results/committed/sports-hstu-s*", hstu.Folder);

        Assert.Equal(ReproductionStatus.Reproduced,
            Row(comparison, PaperComparison.MultiRound, "HSTU/Sports: RSIR round 1 vs base (relative gain)").Status);
        var hstuRound3 = Row(comparison, PaperComparison.MultiRound, "HSTU/Sports: RSIR round 3 vs base (relative gain)");
        Assert.Equal(ReproductionStatus.NotRun, hstuRound3.Status);
        Assert.Equal("./rsir loop --dataset sports --backbone hstu --rounds 3 --seed 2023 --name sports-hstu-s2023", hstuRound3.Command);

        var yelp = Row(comparison, PaperComparison.Table1, "HSTU/Yelp: RSIR round 1 vs best baseline (Insertion)");
        Assert.Equal(ReproductionStatus.NotReproduced, yelp.Status);
        Assert.Contains("the other way", yelp.Why);

        var beauty = Row(comparison, PaperComparison.Table1, "CL4SRec/Beauty: RSIR round 1 vs best baseline (DR4SR)");
        Assert.Equal(ReproductionStatus.DirectionOnly, beauty.Status);
        Assert.Contains("outside the paper's gap 0.0059", beauty.Why);

        // A slice without the judge, unchanged from its base, against the paper's "no change" of RSIR-1st without the judge.
        var slice = comparison.Section(PaperComparison.MultiRound).Where(r => r.Folder == "results/committed/sports2k-nojudge").ToArray();
        Assert.Equal(new[] { "recall@10", "ndcg@10" }, slice.Select(r => r.Paper.Metric));
        Assert.All(slice, r =>
        {
            Assert.StartsWith("RSIR-1st without fidelity control, ours on sports2k-nojudge (", r.Paper.What);
            Assert.Equal(ReproductionStatus.Reproduced, r.Status);
            Assert.Contains("no change either", r.Why);
            Assert.Equal("./rsir loop --dataset sports --limit-users 2000 --rounds 1 --no-judge --seed 7 --name sports2k-nojudge", r.Command);
        });

        Assert.Equal(52, comparison.Rows.Count);
        Assert.Equal("all sections: 52 rows — 6 reproduced, 1 direction only, 2 not reproduced, 43 not run", comparison.Summary());
    }

    [Fact]
    public void Slice_folders_that_are_not_finished_loop_folders_are_left_out()
    {
        WriteRanks(Path.Combine(Root, "sports2k-Mask-s2023"), 50);
        Loop("sports5k-s2023", new[] { 50 }, limitUsers: 5000);
        File.Delete(Path.Combine(Root, "sports5k-s2023", "round-00", "done"));
        var comparison = PaperComparison.Build(Root);
        Assert.Equal(3, comparison.Section(PaperComparison.MultiRound).Count);
        Assert.All(comparison.Rows, r => Assert.Equal(ReproductionStatus.NotRun, r.Status));
    }
}
