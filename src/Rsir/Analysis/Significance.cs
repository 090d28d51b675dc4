using System.Globalization;
using MathNet.Numerics.Distributions;
using Rsir.Evaluation;

namespace Rsir.Analysis;

/// <summary>A mean and its sample standard deviation (n − 1) over runs, e.g. seeds.</summary>
public sealed record MeanSd(double Mean, double Sd, int Count)
{
    public override string ToString() => Count < 2
        ? Mean.ToString("F4", CultureInfo.InvariantCulture)
        : $"{Mean.ToString("F4", CultureInfo.InvariantCulture)} ± {Sd.ToString("F4", CultureInfo.InvariantCulture)}";
}

/// <summary>A paired test's statistic and two-sided p-value.</summary>
public sealed record TestOutcome(double Statistic, double PValue);

/// <summary>The signed-rank statistic W+ (sum of the ranks of the positive differences), its z and p.</summary>
public sealed record WilcoxonOutcome(double WPlus, double Z, double PValue, int NonZeroPairs);

/// <summary>
/// Candidate versus baseline on the same users: per-user metric values, their mean difference (candidate − baseline),
/// a paired t-test and a Wilcoxon signed-rank test, both two-sided.
/// </summary>
public sealed record PairedComparison(
    string Metric,
    int Users,
    double BaselineMean,
    double CandidateMean,
    double MeanDifference,
    double SdDifference,
    TestOutcome TTest,
    WilcoxonOutcome Wilcoxon)
{
    public double RelativeGain => BaselineMean == 0 ? double.NaN : MeanDifference / BaselineMean;
}

/// <summary>
/// Paired significance of two evaluations over the same users.
/// <list type="bullet">
/// <item>Paired t-test: t = mean(d) / (sd(d) / √n), Student t with n − 1 degrees of freedom. All differences zero:
/// t = 0, p = 1; a constant non-zero difference: t = ±∞, p = 0; fewer than 2 users: NaN.</item>
/// <item>Wilcoxon signed-rank, normal approximation (no exact distribution): zero differences are dropped
/// (Wilcoxon's convention), tied |d| get their average rank, and the variance has the tie correction
/// n(n+1)(2n+1)/24 − Σ(t³ − t)/48. With the continuity correction (default, as R's wilcox.test) |W+ − mean| is
/// reduced by ½. Per-user Recall@K is 0/1, so ties are the rule; the approximation is good for the thousands of users
/// of a benchmark but not for a handful of pairs.</item>
/// </list>
/// </summary>
public static class Significance
{
    /// <summary>A p-value as a reader wants it: two significant digits ("0.13", "0.0013"), below 0.0001 in scientific
    /// notation ("3.8e-5"); "0" for an exact zero, "–" for NaN. The one formatting of p for tables, charts and texts.</summary>
    public static string FormatP(double p)
    {
        if (double.IsNaN(p)) return "–";
        if (p == 0) return "0";
        int exponent = (int)Math.Floor(Math.Log10(p));
        if (p >= 1e-4)
        {
            int decimals = Math.Clamp(1 - exponent, 0, 15);
            return Math.Round(p, decimals).ToString("0." + new string('#', decimals), System.Globalization.CultureInfo.InvariantCulture);
        }
        double mantissa = Math.Round(p / Math.Pow(10, exponent), 1);
        if (mantissa >= 10) { mantissa /= 10; exponent++; }
        return $"{mantissa.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}e{exponent}";
    }

    /// <summary>
    /// Compares two evaluations user by user (aligned by user id, whatever their order); throws if their user sets
    /// differ or a user appears twice. <paramref name="metric"/> is "ndcg" or "recall".
    /// </summary>
    public static PairedComparison Compare(EvaluationResult baseline, EvaluationResult candidate, string metric = "ndcg", int k = 10,
        bool continuityCorrection = true)
    {
        var b = ByUser(baseline, metric, k, nameof(baseline));
        var c = ByUser(candidate, metric, k, nameof(candidate));
        var missing = b.Keys.Except(c.Keys).Take(5).ToArray();
        var extra = c.Keys.Except(b.Keys).Take(5).ToArray();
        if (b.Count != c.Count || missing.Length > 0 || extra.Length > 0)
            throw new ArgumentException($"The evaluations cover different users ({b.Count} vs {c.Count}); " +
                $"only in the baseline: [{string.Join(", ", missing)}], only in the candidate: [{string.Join(", ", extra)}].");
        var users = b.Keys.Order().ToArray();
        return Compare(users.Select(u => b[u]).ToArray(), users.Select(u => c[u]).ToArray(), $"{metric.ToLowerInvariant()}@{k}", continuityCorrection);
    }

    /// <summary>
    /// A comparison repeated over seeds, tested once: each user's metric is averaged over the seeds' baseline runs and
    /// over their candidate runs, and the averages are compared user by user (so seed noise in a user's result is
    /// smoothed before the pairing). Every run must cover the same users.
    /// </summary>
    public static PairedComparison CompareOverSeeds(IReadOnlyList<(EvaluationResult Baseline, EvaluationResult Candidate)> seeds,
        string metric = "ndcg", int k = 10, bool continuityCorrection = true)
    {
        if (seeds.Count == 0) throw new ArgumentException("At least one seed's pair of evaluations is needed.", nameof(seeds));
        var runs = seeds.SelectMany(s => new[] { s.Baseline, s.Candidate }).Select((r, i) => ByUser(r, metric, k, $"run {i}")).ToArray();
        var users = runs[0].Keys.Order().ToArray();
        foreach (var run in runs.Skip(1))
            if (run.Count != users.Length || users.Any(u => !run.ContainsKey(u)))
                throw new ArgumentException($"The seeds' evaluations cover different users ({users.Length} vs {run.Count}).");
        double[] Mean(int offset) => users.Select(u => Enumerable.Range(0, seeds.Count).Average(i => runs[2 * i + offset][u])).ToArray();
        return Compare(Mean(0), Mean(1), $"{metric.ToLowerInvariant()}@{k}, mean over {seeds.Count} seeds", continuityCorrection);
    }

    /// <summary>Compares already aligned per-user values (same length, same user at each index).</summary>
    public static PairedComparison Compare(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, string metric = "value",
        bool continuityCorrection = true)
    {
        if (baseline.Count != candidate.Count)
            throw new ArgumentException($"Paired values differ in length: {baseline.Count} vs {candidate.Count}.");
        var d = candidate.Zip(baseline, (c, b) => c - b).ToArray();
        var spread = MeanAndSd(d);
        return new PairedComparison(metric, d.Length, baseline.Count == 0 ? double.NaN : baseline.Average(),
            candidate.Count == 0 ? double.NaN : candidate.Average(), spread.Mean, spread.Sd, PairedTTest(d),
            WilcoxonSignedRank(d, continuityCorrection));
    }

    private static Dictionary<int, double> ByUser(EvaluationResult result, string metric, int k, string name)
    {
        var values = result.PerUser(metric, k);
        var byUser = new Dictionary<int, double>(values.Length);
        for (int i = 0; i < values.Length; i++)
            if (!byUser.TryAdd(result.Users[i], values[i]))
                throw new ArgumentException($"User {result.Users[i]} appears twice in the {name} evaluation.");
        return byUser;
    }

    /// <summary>Paired t-test on the differences d (two-sided).</summary>
    public static TestOutcome PairedTTest(IReadOnlyList<double> differences)
    {
        int n = differences.Count;
        if (n < 2) return new TestOutcome(double.NaN, double.NaN);
        var (mean, sd, _) = MeanAndSd(differences);
        if (sd == 0) return mean == 0 ? new TestOutcome(0, 1) : new TestOutcome(mean > 0 ? double.PositiveInfinity : double.NegativeInfinity, 0);
        double t = mean / (sd / Math.Sqrt(n));
        double p = 2 * StudentT.CDF(0, 1, n - 1, -Math.Abs(t));
        return new TestOutcome(t, Math.Min(1, p));
    }

    /// <summary>Wilcoxon signed-rank test on the differences d (two-sided, normal approximation with tie correction).</summary>
    public static WilcoxonOutcome WilcoxonSignedRank(IReadOnlyList<double> differences, bool continuityCorrection = true)
    {
        var nonZero = differences.Where(d => d != 0).ToArray();
        int n = nonZero.Length;
        if (n == 0) return new WilcoxonOutcome(0, 0, 1, 0);

        var order = nonZero.Select((d, i) => (Abs: Math.Abs(d), Positive: d > 0)).OrderBy(p => p.Abs).ToArray();
        double wPlus = 0, tieTerm = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && order[end + 1].Abs == order[start].Abs) end++;
            double averageRank = (start + end) / 2.0 + 1;   // ranks start + 1 .. end + 1
            int ties = end - start + 1;
            tieTerm += (double)ties * ties * ties - ties;
            for (int i = start; i <= end; i++)
                if (order[i].Positive) wPlus += averageRank;
            start = end + 1;
        }
        double expected = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * (2.0 * n + 1) / 24.0 - tieTerm / 48.0;
        if (variance <= 0) return new WilcoxonOutcome(wPlus, 0, 1, n);
        double deviation = wPlus - expected;
        double corrected = continuityCorrection ? Math.Sign(deviation) * Math.Max(0, Math.Abs(deviation) - 0.5) : deviation;
        double z = corrected / Math.Sqrt(variance);
        double p = 2 * Normal.CDF(0, 1, -Math.Abs(z));
        return new WilcoxonOutcome(wPlus, z, Math.Min(1, p), n);
    }

    /// <summary>Mean and sample standard deviation (n − 1; 0 for a single value, NaN for none).</summary>
    public static MeanSd MeanAndSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0) return new MeanSd(double.NaN, double.NaN, 0);
        double mean = v.Average();
        double sd = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new MeanSd(mean, sd, v.Length);
    }

    /// <summary>Mean ± sd of each metric over runs (e.g. one test-metric dictionary per seed); metrics all runs share.</summary>
    public static IReadOnlyDictionary<string, MeanSd> OverRuns(IEnumerable<IReadOnlyDictionary<string, double>> runs)
    {
        var list = runs.ToArray();
        if (list.Length == 0) return new SortedDictionary<string, MeanSd>();
        var keys = list.Skip(1).Aggregate(list[0].Keys.AsEnumerable(), (shared, run) => shared.Intersect(run.Keys));
        return new SortedDictionary<string, MeanSd>(keys.ToDictionary(key => key, key => MeanAndSd(list.Select(r => r[key]))), StringComparer.Ordinal);
    }
}
