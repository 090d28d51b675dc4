using Rsir.Evaluation;

namespace Rsir.Analysis;

/// <summary>One seed's pair of evaluations: the baseline (e.g. round 0, f_0) and the candidate (e.g. RSIR round 1).</summary>
public sealed record SeedPair(string Seed, EvaluationResult Baseline, EvaluationResult Candidate);

/// <summary>A metric's mean ± sd over seeds for the baseline and the candidate.</summary>
public sealed record SeedMeans(string Metric, MeanSd Baseline, MeanSd Candidate);

/// <summary>
/// A baseline-versus-candidate study repeated over seeds: per metric, each seed's paired test (candidate against its
/// own baseline, user by user) and the seeds pooled (<see cref="Significance.CompareOverSeeds"/>: each user's metric
/// averaged over the seeds, then paired); and each metric's mean ± sd over the seeds.
/// </summary>
public static class SeedStudy
{
    public static IReadOnlyList<(string Metric, int K)> DefaultMetrics { get; } =
        new[] { ("ndcg", 10), ("recall", 10), ("ndcg", 20), ("recall", 20) };

    /// <summary>Per metric: one row per seed, then the pooled row ("3 seeds, per-user mean").</summary>
    public static IReadOnlyList<(string Name, PairedComparison Comparison)> Tests(IReadOnlyList<SeedPair> seeds,
        IEnumerable<(string Metric, int K)>? metrics = null)
    {
        if (seeds.Count == 0) throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        return (metrics ?? DefaultMetrics).SelectMany(m => seeds
                .Select(s => ($"seed {s.Seed}", Significance.Compare(s.Baseline, s.Candidate, m.Metric, m.K)))
                .Append(($"{seeds.Count} seeds, per-user mean",
                    Significance.CompareOverSeeds(seeds.Select(s => (s.Baseline, s.Candidate)).ToArray(), m.Metric, m.K))))
            .ToArray();
    }

    /// <summary>Each metric both sides report, mean ± sd over the seeds (sample sd, n − 1).</summary>
    public static IReadOnlyList<SeedMeans> Means(IReadOnlyList<IReadOnlyDictionary<string, double>> baselines,
        IReadOnlyList<IReadOnlyDictionary<string, double>> candidates)
    {
        var b = Significance.OverRuns(baselines);
        var c = Significance.OverRuns(candidates);
        return b.Keys.Where(c.ContainsKey).Select(k => new SeedMeans(k, b[k], c[k])).ToArray();
    }
}

/// <summary>What a random ranking scores: the floor a trained model must clear. With n candidate items and the target
/// equally likely at every rank, Recall@K = K/n and NDCG@K = (1/n)·Σ_{r=1..K} 1/log2(r+1).</summary>
public static class RandomRanking
{
    public static double Recall(int k, int candidates) => candidates <= 0 ? double.NaN : Math.Min(k, candidates) / (double)candidates;

    public static double Ndcg(int k, int candidates) => candidates <= 0 ? double.NaN
        : Enumerable.Range(1, Math.Min(k, candidates)).Sum(r => 1 / Math.Log2(r + 1.0)) / candidates;
}
