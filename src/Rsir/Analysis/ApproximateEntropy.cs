using Rsir.Data;

namespace Rsir.Analysis;

/// <summary>What to do with a sequence too short to have a window of length m + 1.</summary>
public enum ShortSequencePolicy
{
    /// <summary>Its ApEn is 0 and it counts in the mean (the lab's ApEN_count.py: both Φ are 0 without windows).</summary>
    Zero,
    /// <summary>It has no ApEn and is left out of the mean.</summary>
    Skip,
}

/// <summary>Which training rows a dataset-level ApEn averages over.</summary>
public enum RowSelection { All, RealOnly, SyntheticOnly }

/// <summary>
/// Approximate entropy settings: embedding dimension <see cref="M"/> and Chebyshev tolerance <see cref="R"/> on raw
/// item ids. r = 0 (the default) is exact window matching; any r &lt; 1 means the same on integer ids.
/// </summary>
public sealed record ApEnOptions
{
    public int M { get; init; } = 2;
    public double R { get; init; } = 0;
    public ShortSequencePolicy ShortSequences { get; init; } = ShortSequencePolicy.Zero;

    public ApEnOptions Validate()
    {
        if (M < 1) throw new ArgumentOutOfRangeException(nameof(M), $"M (embedding dimension) must be ≥ 1; got {M}.");
        if (double.IsNaN(R) || R < 0) throw new ArgumentOutOfRangeException(nameof(R), $"R (tolerance) must be ≥ 0; got {R}.");
        if (!Enum.IsDefined(ShortSequences)) throw new ArgumentOutOfRangeException(nameof(ShortSequences), $"Unknown policy {ShortSequences}.");
        return this;
    }
}

/// <summary>The mean ApEn of a set of sequences and how many were too short (&lt; m + 1 items).</summary>
public sealed record ApEnSummary(double Mean, int Sequences, int ShortSequences, ApEnOptions Options);

/// <summary>
/// Approximate entropy (Pincus 1991) of item-id sequences, as the lab computes it (Performance-Law,
/// entropy_metrics/ApEN_count.py): for a sequence u of n items and window length w, the windows are
/// x_i = (u_i, …, u_{i+w−1}), i = 1..n−w+1, and
/// <code>
///   C_i^w = #{ j : max_t |x_i[t] − x_j[t]| ≤ r } / (n − w + 1)      (self-match included; 0 floored at 1e-10)
///   Φ_w   = mean_i log C_i^w                                       (0 when there is no window)
///   ApEn  = |Φ_{m+1} − Φ_m|
/// </code>
/// A low value means regular, repetitive sequences; a high one, sequences whose next window is hard to predict from
/// the current one.
/// </summary>
public static class ApproximateEntropy
{
    public const double Floor = 1e-10;

    /// <summary>Φ_w of one sequence; 0 when it has fewer than w items.</summary>
    public static double Phi(IReadOnlyList<int> sequence, int w, double r) =>
        r < 1 ? PhiExact(sequence, w) : PhiPairwise(sequence, w, r);

    /// <summary>Any r &lt; 1 on integer ids matches identical windows only: count each distinct window once, O(n·w).</summary>
    internal static double PhiExact(IReadOnlyList<int> sequence, int w)
    {
        int windows = sequence.Count - w + 1;
        if (windows <= 0) return 0;
        var counts = new Dictionary<int[], int>(WindowComparer.Instance);
        for (int i = 0; i < windows; i++)
        {
            var window = new int[w];
            for (int t = 0; t < w; t++) window[t] = sequence[i + t];
            counts[window] = counts.GetValueOrDefault(window) + 1;
        }
        // Each of the c windows equal to a distinct window has C_i = c / windows (never 0: the self-match counts).
        return counts.Values.Sum(c => c * Math.Log((double)c / windows)) / windows;
    }

    internal static double PhiPairwise(IReadOnlyList<int> sequence, int w, double r)
    {
        int windows = sequence.Count - w + 1;
        if (windows <= 0) return 0;
        double sum = 0;
        for (int i = 0; i < windows; i++)
        {
            int matches = 0;
            for (int j = 0; j < windows; j++)
                if (WithinTolerance(sequence, i, j, w, r)) matches++;
            sum += Math.Log(Math.Max(Floor, (double)matches / windows));
        }
        return sum / windows;
    }

    private static bool WithinTolerance(IReadOnlyList<int> u, int i, int j, int w, double r)
    {
        for (int t = 0; t < w; t++)
            if (Math.Abs((long)u[i + t] - u[j + t]) > r) return false;
        return true;
    }

    /// <summary>
    /// ApEn of one sequence; a sequence of fewer than m + 1 items gives 0 (<see cref="ShortSequencePolicy.Zero"/>) or
    /// NaN (<see cref="ShortSequencePolicy.Skip"/>).
    /// </summary>
    public static double Of(IReadOnlyList<int> sequence, ApEnOptions? options = null)
    {
        var o = (options ?? new ApEnOptions()).Validate();
        if (sequence.Count < o.M + 1) return o.ShortSequences == ShortSequencePolicy.Zero ? 0 : double.NaN;
        return Math.Abs(Phi(sequence, o.M + 1, o.R) - Phi(sequence, o.M, o.R));
    }

    /// <summary>Mean ApEn over sequences (short ones per <see cref="ApEnOptions.ShortSequences"/>); NaN if none counts.</summary>
    public static ApEnSummary Mean(IEnumerable<IReadOnlyList<int>> sequences, ApEnOptions? options = null)
    {
        var o = (options ?? new ApEnOptions()).Validate();
        double sum = 0;
        int counted = 0, total = 0, tooShort = 0;
        foreach (var sequence in sequences)
        {
            total++;
            if (sequence.Count < o.M + 1) tooShort++;
            double value = Of(sequence, o);
            if (double.IsNaN(value)) continue;
            sum += value;
            counted++;
        }
        return new ApEnSummary(counted == 0 ? double.NaN : sum / counted, total, tooShort, o);
    }

    /// <summary>Mean ApEn over the dataset's training rows (each row's full item list), optionally real or synthetic only.</summary>
    public static ApEnSummary OfDataset(Dataset data, RowSelection rows = RowSelection.All, ApEnOptions? options = null) =>
        Mean(Select(data.TrainRows, rows).Select(r => (IReadOnlyList<int>)r.Items), options);

    public static IEnumerable<TrainingRow> Select(IEnumerable<TrainingRow> rows, RowSelection selection) => selection switch
    {
        RowSelection.All => rows,
        RowSelection.RealOnly => rows.Where(r => r.Origin.IsReal),
        RowSelection.SyntheticOnly => rows.Where(r => !r.Origin.IsReal),
        _ => throw new ArgumentOutOfRangeException(nameof(selection), $"Unknown row selection {selection}."),
    };

    private sealed class WindowComparer : IEqualityComparer<int[]>
    {
        public static readonly WindowComparer Instance = new();
        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(int[] window)
        {
            var hash = new HashCode();
            foreach (int item in window) hash.Add(item);
            return hash.ToHashCode();
        }
    }
}
