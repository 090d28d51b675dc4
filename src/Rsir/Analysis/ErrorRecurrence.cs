using Rsir.Data;

namespace Rsir.Analysis;

/// <summary>How the synthetic share λ of a training set is counted.</summary>
public enum ShareBy
{
    /// <summary>Next-item targets (Items.Length − 1 per row): the training loss averages over targets, so this is
    /// the weight synthetic data has in what the model minimises.</summary>
    Targets,
    /// <summary>Rows (sequences).</summary>
    Rows,
}

/// <summary>
/// One transition k → k+1 as measured: E_k, E_{k+1}, λ_k and p̃_k, and whether round k+1's generation was judged
/// (finite τ; the no-judge ablation is not).
/// </summary>
public sealed record RecurrenceStep(int Round, double Error, double NextError, double SyntheticShare, double MissRate, bool Judged = true);

/// <summary>ρ as used for the bound: the least-squares value, the value used (clamped at 0, or given), and its basis.</summary>
public sealed record RhoFit(double Value, double LeastSquares, bool Clamped, int Steps, string Basis, double ResidualRms);

/// <summary>
/// One row of the table: the measured terms of transition k → k+1, the bound's right-hand side
/// (1−λ)E_0 + λ[(1−p̃)ρE_k + p̃E_max], its slack (RHS − E_{k+1}), the contraction factor (1−p̃)ρ, whether it is &lt; 1
/// and whether the measured E_{k+1} is within the bound, and the fixed point E* the recurrence would settle at if
/// λ and p̃ stayed as they are (NaN where λ(1−p̃)ρ ≥ 1).
/// </summary>
public sealed record RecurrenceRow(int Round, double Error, double SyntheticShare, double MissRate, double NextError,
    double Bound, double Slack, double ContractionFactor, bool Contracts, bool WithinBound, double FixedPoint, bool Judged);

/// <summary>The error recurrence checked against measurements: E_0, E_max, ρ and one row per transition.</summary>
public sealed record ErrorRecurrenceTable(double InitialError, double MaxError, RhoFit Rho, IReadOnlyList<RecurrenceRow> Rows)
{
}

/// <summary>
/// The paper's error recurrence, E_{k+1} ≤ (1−λ_k)E_0 + λ_k[(1−p̃_k)ρE_k + p̃_k E_max], with every term measured:
/// <list type="bullet">
/// <item><b>E_k</b> = 1 − Recall@20 of round k's model on the validation split (<see cref="Error"/>). The theory's
/// E is the model's expected error in [0, E_max]; 1 − Recall@20 is the probability that the user's true next item is
/// not among the model's top 20 — bounded, comparable across rounds (validation never changes) and at the scale the
/// judge works at. Validation, not test, so the test split stays untouched by the fit; the validation loss is not
/// kept per round and the training loss changes meaning as D_k grows.</item>
/// <item><b>E_max</b> = the same error of a model trained on uninformative data: random sequences with D_0's row
/// count and lengths (<see cref="UninformativeDataset"/>); <see cref="RandomRankingError"/> is its analytic value
/// for a model that ranks at random.</item>
/// <item><b>λ_k</b> = the synthetic share of D_{k+1}, all rounds' synthetic rows together, counted in next-item
/// targets by default (<see cref="SyntheticShare"/>).</item>
/// <item><b>p̃_k</b> = the judge's miss rate against an independent reference: the share of accepted synthetic steps
/// (items appended by generation) in D_{k+1}'s synthetic rows whose item a held-out model, trained on the real data
/// with another seed, does not rank within the top τ for that context (<see cref="JudgeMissRate"/>). λ_k·p̃_k is then
/// the share of D_{k+1}'s targets that are unfaithful.</item>
/// <item><b>ρ</b> = least squares through the origin of y_k = E_{k+1} − (1−λ_k)E_0 − λ_k p̃_k E_max on
/// x_k = λ_k(1−p̃_k)E_k over the judged transitions (all transitions when none is judged), clamped at 0.
/// With one transition the fit reproduces it exactly, so its bound holds with zero slack by construction.</item>
/// </list>
/// Contraction: (1−p̃_k)ρ &lt; 1; the map E_k ↦ RHS then has slope λ_k(1−p̃_k)ρ &lt; 1 and a fixed point
/// E* = [(1−λ)E_0 + λp̃E_max] / (1 − λ(1−p̃)ρ).
/// </summary>
public static class ErrorRecurrence
{
    public const string DefaultErrorMetric = "recall@20";

    /// <summary>E = 1 − <paramref name="metric"/> (a recall or NDCG in [0, 1]) from a metric dictionary.</summary>
    public static double Error(IReadOnlyDictionary<string, double> metrics, string metric = DefaultErrorMetric) =>
        metrics.TryGetValue(metric, out var value) ? 1 - value
            : throw new ArgumentException($"The metrics have no '{metric}' (have: {string.Join(", ", metrics.Keys)}); add its cutoff to the evaluation.");

    /// <summary>λ: the synthetic share of a training set, by targets (default) or rows.</summary>
    public static double SyntheticShare(Dataset data, ShareBy by = ShareBy.Targets)
    {
        double Weight(TrainingRow r) => by == ShareBy.Rows ? 1 : r.Items.Length - 1;
        double total = data.TrainRows.Sum(Weight);
        return total == 0 ? double.NaN : data.TrainRows.Where(r => !r.Origin.IsReal).Sum(Weight) / total;
    }

    /// <summary>The bound's right-hand side: (1−λ)E_0 + λ[(1−p̃)ρE_k + p̃E_max].</summary>
    public static double Bound(double e0, double eMax, double rho, double error, double share, double missRate) =>
        (1 - share) * e0 + share * ((1 - missRate) * rho * error + missRate * eMax);

    /// <summary>Fits ρ (unless <paramref name="rho"/> is given) and evaluates the bound for every step.</summary>
    public static ErrorRecurrenceTable Evaluate(IReadOnlyList<RecurrenceStep> steps, double e0, double eMax, double? rho = null)
    {
        foreach (var (value, name) in new[] { (e0, "E_0"), (eMax, "E_max") })
            if (double.IsNaN(value) || value < 0 || value > 1) throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1]; got {value}.");
        foreach (var s in steps)
        {
            if (s.SyntheticShare is < 0 or > 1 || double.IsNaN(s.SyntheticShare))
                throw new ArgumentOutOfRangeException(nameof(steps), $"Round {s.Round}: λ must be in [0, 1]; got {s.SyntheticShare}.");
            if (s.MissRate is < 0 or > 1 || double.IsNaN(s.MissRate))
                throw new ArgumentOutOfRangeException(nameof(steps), $"Round {s.Round}: p̃ must be in [0, 1]; got {s.MissRate}.");
        }
        var fit = rho is { } given ? new RhoFit(given, double.NaN, false, 0, "given", double.NaN) : FitRho(steps, e0, eMax);
        var rows = steps.Select(s =>
        {
            double bound = Bound(e0, eMax, fit.Value, s.Error, s.SyntheticShare, s.MissRate);
            double factor = (1 - s.MissRate) * fit.Value;
            double slope = s.SyntheticShare * factor;
            double fixedPoint = slope < 1 ? ((1 - s.SyntheticShare) * e0 + s.SyntheticShare * s.MissRate * eMax) / (1 - slope) : double.NaN;
            return new RecurrenceRow(s.Round, s.Error, s.SyntheticShare, s.MissRate, s.NextError, bound, bound - s.NextError,
                factor, factor < 1, s.NextError <= bound + 1e-12, fixedPoint, s.Judged);
        }).ToArray();
        return new ErrorRecurrenceTable(e0, eMax, fit, rows);
    }

    /// <summary>Least-squares ρ through the origin (see the class summary), on judged steps, or all when none is.</summary>
    public static RhoFit FitRho(IReadOnlyList<RecurrenceStep> steps, double e0, double eMax)
    {
        var basis = steps.Any(s => s.Judged) ? steps.Where(s => s.Judged).ToArray() : steps.ToArray();
        string label = steps.Any(s => s.Judged) ? "judged transition(s)" : "transition(s), none judged";
        double sxy = 0, sxx = 0;
        var points = basis.Select(s => (
            X: s.SyntheticShare * (1 - s.MissRate) * s.Error,
            Y: s.NextError - (1 - s.SyntheticShare) * e0 - s.SyntheticShare * s.MissRate * eMax)).ToArray();
        foreach (var (x, y) in points) { sxy += x * y; sxx += x * x; }
        if (sxx == 0) return new RhoFit(double.NaN, double.NaN, false, basis.Length, label + ": no synthetic data to fit on", double.NaN);
        double leastSquares = sxy / sxx;
        double value = Math.Max(0, leastSquares);
        double rms = Math.Sqrt(points.Average(p => (p.Y - value * p.X) * (p.Y - value * p.X)));
        return new RhoFit(value, leastSquares, value != leastSquares, basis.Length, label, rms);
    }

    /// <summary>
    /// Uninformative training data for E_max: the same number of rows with the same lengths as
    /// <paramref name="data"/>'s training rows, every item drawn uniformly and independently from 1..ItemCount.
    /// The rows count as real (D_0 of their own run); validation and test are unchanged.
    /// </summary>
    public static Dataset UninformativeDataset(Dataset data, int seed)
    {
        var random = new Random(seed);
        var rows = data.TrainRows.Select(r => new TrainingRow(r.User,
            Enumerable.Range(0, r.Items.Length).Select(_ => random.Next(1, data.ItemCount + 1)).ToArray(),
            RowOrigin.Real(r.User))).ToArray();
        return DatasetRows.Replace(data, rows);
    }

    /// <summary>
    /// The expected 1 − Recall@K on validation of a model that ranks at random: a target in the (masked) history is a
    /// miss, else it lands in the top K with probability K / #candidates.
    /// </summary>
    public static double RandomRankingError(Dataset data, int k = 20, bool maskHistory = true)
    {
        if (data.Validation.Count == 0) return double.NaN;
        return 1 - data.Validation.Average(row =>
        {
            var history = maskHistory ? row.History.Where(i => i != 0).ToHashSet() : new HashSet<int>();
            if (history.Contains(row.Target)) return 0.0;
            int candidates = data.ItemCount - history.Count;
            return Math.Min(1.0, (double)k / candidates);
        });
    }
}
