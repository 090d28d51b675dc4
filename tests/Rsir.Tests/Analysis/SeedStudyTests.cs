using Rsir.Analysis;
using Rsir.Evaluation;

namespace Rsir.Tests.Analysis;

public class SeedStudyTests
{
    private static readonly EvaluationProtocol Protocol = new("test", true, 100, new[] { 10, 20 });

    private static EvaluationResult Ranks(params int[] ranks) => new(Protocol, Enumerable.Range(1, ranks.Length).ToArray(), ranks);

    /// <summary>20 users: the first <paramref name="hits"/> users (from <paramref name="from"/>) rank first, the others 50th.</summary>
    private static EvaluationResult Hits(int from, int hits) =>
        Ranks(Enumerable.Range(0, 20).Select(u => u >= from && u < from + hits ? 1 : 50).ToArray());

    [Fact]
    public void Means_are_mean_and_sample_sd_over_seeds_for_the_metrics_both_sides_report()
    {
        var baselines = new IReadOnlyDictionary<string, double>[]
        {
            new Dictionary<string, double> { ["recall@10"] = 0.04, ["ndcg@10"] = 0.02, ["loss"] = 1 },
            new Dictionary<string, double> { ["recall@10"] = 0.05, ["ndcg@10"] = 0.02, ["loss"] = 2 },
            new Dictionary<string, double> { ["recall@10"] = 0.06, ["ndcg@10"] = 0.02, ["loss"] = 3 },
        };
        var candidates = new IReadOnlyDictionary<string, double>[]
        {
            new Dictionary<string, double> { ["recall@10"] = 0.05, ["ndcg@10"] = 0.03 },
            new Dictionary<string, double> { ["recall@10"] = 0.07, ["ndcg@10"] = 0.03 },
            new Dictionary<string, double> { ["recall@10"] = 0.09, ["ndcg@10"] = 0.03 },
        };
        var means = SeedStudy.Means(baselines, candidates);
        Assert.Equal(new[] { "ndcg@10", "recall@10" }, means.Select(m => m.Metric));
        var recall = means[1];
        Assert.Equal(0.05, recall.Baseline.Mean, 12);
        Assert.Equal(0.01, recall.Baseline.Sd, 12);
        Assert.Equal(0.07, recall.Candidate.Mean, 12);
        Assert.Equal(0.02, recall.Candidate.Sd, 12);
        Assert.Equal(3, recall.Candidate.Count);
        Assert.Equal("0.0700 ± 0.0200", recall.Candidate.ToString());
        Assert.Equal(0, means[0].Baseline.Sd, 12);
        Assert.Equal("0.0500", new MeanSd(0.05, 0, 1).ToString());
    }

    [Fact]
    public void Identical_runs_show_no_difference_in_any_row()
    {
        var seeds = new[]
        {
            new SeedPair("2023", Ranks(1, 5, 12, 30, 2), Ranks(1, 5, 12, 30, 2)),
            new SeedPair("2024", Ranks(3, 25, 1, 9, 60), Ranks(3, 25, 1, 9, 60)),
        };
        var rows = SeedStudy.Tests(seeds);
        Assert.Equal(4 * 3, rows.Count);
        Assert.Equal(new[] { "seed 2023", "seed 2024", "2 seeds, per-user mean" }, rows.Take(3).Select(r => r.Name));
        Assert.Equal(new[] { "ndcg@10", "ndcg@10", "ndcg@10, mean over 2 seeds", "recall@10", "recall@10", "recall@10, mean over 2 seeds" },
            rows.Take(6).Select(r => r.Comparison.Metric));
        Assert.Equal("recall@20, mean over 2 seeds", rows[^1].Comparison.Metric);
        foreach (var (_, c) in rows)
        {
            Assert.Equal(0, c.MeanDifference);
            Assert.Equal(new TestOutcome(0, 1), c.TTest);
            Assert.Equal(1, c.Wilcoxon.PValue);
        }
    }

    [Fact]
    public void A_shift_for_all_users_but_one_is_highly_significant_per_seed_and_pooled()
    {
        // d = 1 for 19 users, 0 for one: mean 0.95, sd² = 0.95/19 = 0.05, t = 0.95 / √(0.05/20) = 19.
        var seeds = new[] { new SeedPair("1", Hits(0, 0), Hits(0, 19)), new SeedPair("2", Hits(0, 0), Hits(1, 19)) };
        var rows = SeedStudy.Tests(seeds, new[] { ("recall", 10) });
        Assert.Equal(3, rows.Count);
        foreach (var (name, c) in rows.Take(2))
        {
            Assert.Equal(0.95, c.MeanDifference, 12);
            Assert.Equal(19, c.TTest.Statistic, 9);
            Assert.InRange(c.TTest.PValue, 0, 1e-10);
        }
        // Pooled: users 1..18 gain in both seeds (d = 1), users 0 and 19 in one (d = ½): still a rise, still tiny p.
        var pooled = rows[2].Comparison;
        Assert.Equal(0.95, pooled.MeanDifference, 12);
        Assert.True(pooled.TTest.Statistic > 19);
        Assert.InRange(pooled.TTest.PValue, 0, 1e-10);
    }

    [Fact]
    public void The_pooled_row_averages_each_user_over_the_seeds_before_pairing()
    {
        // Seed 1 lifts users 0..9, seed 2 users 10..19: per seed d is ten 1s and ten 0s (t = 0.5·√76); pooled every user
        // has d = ½, a constant shift (t = +∞, p = 0).
        var seeds = new[] { new SeedPair("1", Hits(0, 0), Hits(0, 10)), new SeedPair("2", Hits(0, 0), Hits(10, 10)) };
        var rows = SeedStudy.Tests(seeds, new[] { ("ndcg", 10) });
        Assert.Equal(0.5 * Math.Sqrt(76), rows[0].Comparison.TTest.Statistic, 9);
        Assert.Equal(0.5 * Math.Sqrt(76), rows[1].Comparison.TTest.Statistic, 9);
        Assert.Equal(new TestOutcome(double.PositiveInfinity, 0), rows[2].Comparison.TTest);
    }

    [Fact]
    public void No_seeds_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SeedStudy.Tests(Array.Empty<SeedPair>()));
    }

    [Theory]
    [InlineData(10, 100)]
    [InlineData(20, 7)]
    [InlineData(1, 50)]
    public void A_random_ranking_scores_the_average_over_every_rank_of_the_target(int k, int candidates)
    {
        var ranks = Enumerable.Range(1, candidates).ToArray();
        Assert.Equal(RankingMetrics.MeanRecall(ranks, k), RandomRanking.Recall(k, candidates), 12);
        Assert.Equal(RankingMetrics.MeanNdcg(ranks, k), RandomRanking.Ndcg(k, candidates), 12);
    }

    [Fact]
    public void Random_ranking_by_hand()
    {
        Assert.Equal(0.1, RandomRanking.Recall(10, 100), 12);
        Assert.Equal(1.0, RandomRanking.Recall(10, 4));
        Assert.Equal((1 + 1 / Math.Log2(3)) / 4, RandomRanking.Ndcg(2, 4), 12);
        Assert.True(double.IsNaN(RandomRanking.Recall(10, 0)));
        Assert.True(double.IsNaN(RandomRanking.Ndcg(10, 0)));
    }
}
