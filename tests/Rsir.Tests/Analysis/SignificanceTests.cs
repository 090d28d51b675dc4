using Rsir.Analysis;
using Rsir.Evaluation;

namespace Rsir.Tests.Analysis;

public class SignificanceTests
{
    // Student's sleep data (Cushny & Peebles 1905; R's `sleep`): extra hours of sleep under two drugs, same 10 patients.
    private static readonly double[] DrugOne = { 0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0 };
    private static readonly double[] DrugTwo = { 1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4 };

    [Fact]
    public void Paired_t_test_reproduces_the_textbook_sleep_example()
    {
        // R: t.test(extra ~ group, data = sleep, paired = TRUE) → t = −4.0621, df = 9, p = 0.002833, mean diff −1.58.
        var result = Significance.Compare(DrugOne, DrugTwo);
        Assert.Equal(1.58, result.MeanDifference, 12);
        Assert.Equal(4.062127683382037, result.TTest.Statistic, 9);
        Assert.InRange(result.TTest.PValue, 0.0028325, 0.0028335);
        Assert.Equal(10, result.Users);
    }

    [Fact]
    public void Wilcoxon_signed_rank_reproduces_the_sleep_example_with_ties_and_a_zero()
    {
        // Nine non-zero differences, all positive, two tied at 1.3: W+ = 45, var = 9·10·19/24 − (2³ − 2)/48 = 71.125.
        // R: wilcox.test(..., paired = TRUE) → V = 0 (other direction), p = 0.009091 (normal approximation, corrected).
        var corrected = Significance.Compare(DrugOne, DrugTwo).Wilcoxon;
        Assert.Equal(45, corrected.WPlus);
        Assert.Equal(9, corrected.NonZeroPairs);
        Assert.Equal(22.0 / Math.Sqrt(71.125), corrected.Z, 9);
        Assert.Equal(0.009090698015925, corrected.PValue, 9);

        var uncorrected = Significance.Compare(DrugOne, DrugTwo, continuityCorrection: false).Wilcoxon;
        Assert.Equal(0.007632441648206, uncorrected.PValue, 9);

        var reversed = Significance.Compare(DrugTwo, DrugOne).Wilcoxon;
        Assert.Equal(0, reversed.WPlus);
        Assert.Equal(corrected.PValue, reversed.PValue, 12);
    }

    [Fact]
    public void Degenerate_differences_give_defined_answers()
    {
        var same = Significance.Compare(new[] { 1.0, 0.0, 1.0 }, new[] { 1.0, 0.0, 1.0 });
        Assert.Equal((0.0, 1.0), (same.TTest.Statistic, same.TTest.PValue));
        Assert.Equal(1.0, same.Wilcoxon.PValue);
        var shifted = Significance.PairedTTest(new[] { 0.5, 0.5, 0.5 });
        Assert.Equal((double.PositiveInfinity, 0.0), (shifted.Statistic, shifted.PValue));
        Assert.True(double.IsNaN(Significance.PairedTTest(new[] { 0.5 }).PValue));
    }

    private static EvaluationResult Result(int[] users, int[] ranks) =>
        new(new EvaluationProtocol("test", true, 100, new[] { 10, 20 }), users, ranks);

    [Fact]
    public void Evaluations_are_aligned_by_user_id_whatever_their_order()
    {
        var baseline = Result(new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 30, 2, RankingMetrics.Miss, 11, 4 });
        var candidate = Result(new[] { 6, 5, 4, 3, 2, 1 }, new[] { 3, 9, 8, 2, 1, 1 });
        var compared = Significance.Compare(baseline, candidate, "recall", 10);
        // Recall@10 per user 1..6: baseline 1,0,1,0,0,1; candidate 1,1,1,1,1,1 → d = 0,1,0,1,1,0.
        Assert.Equal("recall@10", compared.Metric);
        Assert.Equal(0.5, compared.BaselineMean, 12);
        Assert.Equal(1.0, compared.CandidateMean, 12);
        Assert.Equal(0.5, compared.MeanDifference, 12);
        Assert.Equal(3, compared.Wilcoxon.NonZeroPairs);
        Assert.Equal(6, compared.Wilcoxon.WPlus);
        var byOrder = Significance.Compare(baseline.PerUser("recall", 10), new double[] { 1, 1, 1, 1, 1, 1 }, "recall@10");
        Assert.Equal(byOrder.TTest, compared.TTest);
    }

    [Fact]
    public void Evaluations_over_different_users_are_refused()
    {
        var a = Result(new[] { 1, 2, 3 }, new[] { 1, 2, 3 });
        Assert.Throws<ArgumentException>(() => Significance.Compare(a, Result(new[] { 1, 2, 4 }, new[] { 1, 2, 3 })));
        Assert.Throws<ArgumentException>(() => Significance.Compare(a, Result(new[] { 1, 2 }, new[] { 1, 2 })));
        Assert.Throws<ArgumentException>(() => Significance.Compare(a, Result(new[] { 1, 2, 2 }, new[] { 1, 2, 3 })));
    }

    [Fact]
    public void Mean_and_sample_sd_over_seeds()
    {
        var summary = Significance.MeanAndSd(new[] { 1.0, 2.0, 3.0, 4.0 });
        Assert.Equal(2.5, summary.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), summary.Sd, 12);
        Assert.Equal("2.5000 ± 1.2910", summary.ToString());

        var runs = new[]
        {
            new Dictionary<string, double> { ["recall@10"] = 0.05, ["ndcg@10"] = 0.03 },
            new Dictionary<string, double> { ["recall@10"] = 0.07, ["ndcg@10"] = 0.05, ["only-here"] = 1 },
        };
        var overSeeds = Significance.OverRuns(runs);
        Assert.Equal(new[] { "ndcg@10", "recall@10" }, overSeeds.Keys);
        Assert.Equal(0.06, overSeeds["recall@10"].Mean, 12);
        Assert.Equal(Math.Sqrt(0.0002), overSeeds["recall@10"].Sd, 12);
    }

    [Fact]
    public void Over_seeds_each_users_metric_is_averaged_before_the_pairing()
    {
        var protocol = new Rsir.Evaluation.EvaluationProtocol("test", true, 100, new[] { 10 });
        Rsir.Evaluation.EvaluationResult Ranks(params int[] ranks) => new(protocol, new[] { 1, 2, 3, 4 }, ranks);
        // Recall@10 per user: base seed A [1 0 0 1], seed B [0 0 1 1] → mean [.5 0 .5 1]; candidate A [1 1 0 1], B [1 0 1 1] → [1 .5 .5 1].
        var seeds = new[]
        {
            (Ranks(1, 50, 60, 2), Ranks(3, 4, 70, 5)),
            (Ranks(40, 30, 9, 1), Ranks(2, 80, 3, 1)),
        };
        var pooled = Significance.CompareOverSeeds(seeds, "recall", 10);
        var expected = Significance.Compare(new[] { 0.5, 0, 0.5, 1 }, new[] { 1, 0.5, 0.5, 1.0 }, "x");
        Assert.Equal(expected.MeanDifference, pooled.MeanDifference, 12);
        Assert.Equal(expected.TTest.PValue, pooled.TTest.PValue, 12);
        Assert.Equal(4, pooled.Users);
        var other = new Rsir.Evaluation.EvaluationResult(protocol, new[] { 1, 2, 3, 9 }, new[] { 1, 2, 3, 4 });
        Assert.Throws<ArgumentException>(() => Significance.CompareOverSeeds(new[] { (seeds[0].Item1, other) }, "recall", 10));
    }

    [Theory]
    [InlineData(0.13, "0.13")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.00132, "0.0013")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(3.84e-5, "3.8e-5")]
    [InlineData(9.96e-6, "1e-5")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "–")]
    public void P_values_read_with_two_significant_digits_and_small_ones_in_scientific_notation(double p, string expected) =>
        Assert.Equal(expected, Significance.FormatP(p));
}
