namespace Rsir.Evaluation;

/// <summary>
/// Ranking metrics for one held-out item per user, as pure functions of the target's rank (1 = best).
/// A rank of <see cref="Miss"/> means the target cannot be ranked (e.g. it is masked as part of the history).
/// </summary>
public static class RankingMetrics
{
    public const int Miss = int.MaxValue;

    /// <summary>Recall@K (= hit rate with one positive): 1 if rank ≤ K.</summary>
    public static double Recall(int rank, int k) => rank <= k ? 1.0 : 0.0;

    /// <summary>NDCG@K with one positive: 1 / log2(rank + 1) if rank ≤ K.</summary>
    public static double Ndcg(int rank, int k) => rank <= k ? 1.0 / Math.Log2(rank + 1.0) : 0.0;

    public static double MeanRecall(IReadOnlyList<int> ranks, int k) => ranks.Count == 0 ? 0 : ranks.Average(r => Recall(r, k));
    public static double MeanNdcg(IReadOnlyList<int> ranks, int k) => ranks.Count == 0 ? 0 : ranks.Average(r => Ndcg(r, k));

    /// <summary>
    /// The reference definition of a rank, for one score vector: 1 + the number of other candidate items that do not
    /// score strictly lower than the target. Ties count against the target, so a model that scores everything alike
    /// ranks every target last among its ties instead of first; a NaN candidate counts against it too. Masked ids
    /// (padding, and the history when masking is on) are not candidates; a masked target is a miss, and so is a target
    /// whose score is not finite (a diverged model must not look perfect because NaN compares false).
    /// </summary>
    public static int Rank(ReadOnlySpan<float> scores, int target, ISet<int> masked)
    {
        if (masked.Contains(target)) return Miss;
        float t = scores[target];
        if (!float.IsFinite(t)) return Miss;
        int rank = 1;
        for (int i = 0; i < scores.Length; i++)
            if (i != target && !masked.Contains(i) && !(scores[i] < t)) rank++;
        return rank;
    }
}

/// <summary>How a ranking was made, printed with every result.</summary>
public sealed record EvaluationProtocol(string Split, bool MaskHistory, int Candidates, IReadOnlyList<int> Cutoffs)
{
    public override string ToString() =>
        $"{Split}: leave-one-out, full ranking over {Candidates:N0} items, " +
        (MaskHistory ? "user history masked" : "history not masked") +
        $", ties count against the target, K = {string.Join("/", Cutoffs)}";
}

/// <summary>Per-user ranks and their means: Recall@K and NDCG@K for each cutoff.</summary>
public sealed class EvaluationResult
{
    public EvaluationProtocol Protocol { get; }
    public IReadOnlyList<int> Users { get; }
    public IReadOnlyList<int> Ranks { get; }
    /// <summary>Users whose target score was NaN or ±∞ (their rank is a miss): a sign of a diverged model.</summary>
    public int NonFiniteScores { get; }

    public EvaluationResult(EvaluationProtocol protocol, IReadOnlyList<int> users, IReadOnlyList<int> ranks, int nonFiniteScores = 0)
    {
        if (users.Count != ranks.Count) throw new Runtime.InvariantException("users and ranks differ in length");
        Protocol = protocol; Users = users; Ranks = ranks; NonFiniteScores = nonFiniteScores;
    }

    public double Recall(int k) => RankingMetrics.MeanRecall(Ranks, k);
    public double Ndcg(int k) => RankingMetrics.MeanNdcg(Ranks, k);

    /// <summary>Per-user metric values, in <see cref="Users"/> order (for paired significance tests).</summary>
    public double[] PerUser(string metric, int k) => metric.ToLowerInvariant() switch
    {
        "recall" => Ranks.Select(r => RankingMetrics.Recall(r, k)).ToArray(),
        "ndcg" => Ranks.Select(r => RankingMetrics.Ndcg(r, k)).ToArray(),
        _ => throw new ArgumentException($"Unknown metric '{metric}'; use recall or ndcg."),
    };

    /// <summary>Metric name → value, e.g. "recall@10", "ndcg@20", for every cutoff of the protocol.</summary>
    public IReadOnlyDictionary<string, double> Metrics()
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (int k in Protocol.Cutoffs)
        {
            metrics[$"recall@{k}"] = Recall(k);
            metrics[$"ndcg@{k}"] = Ndcg(k);
        }
        return metrics;
    }

    public override string ToString() =>
        string.Join("  ", Protocol.Cutoffs.SelectMany(k => new[] { $"R@{k} {Recall(k):F4}", $"N@{k} {Ndcg(k):F4}" }));
}
