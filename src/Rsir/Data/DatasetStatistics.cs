
namespace Rsir.Data;

/// <summary>Users whose sequence length lies in MinLength..MaxLength (MaxLength is int.MaxValue for the last, open bin).</summary>
public sealed record LengthBin(int MinLength, int MaxLength, int Users)
{
    public string Label => MaxLength == int.MaxValue ? $"≥{MinLength}"
        : MinLength == MaxLength ? $"{MinLength}" : $"{MinLength}–{MaxLength}";
}

/// <summary>
/// Descriptive statistics of a set of user sequences (normally the full, untruncated file).
/// <list type="bullet">
/// <item><c>Items</c> counts distinct items; <c>MaxItemId</c> equals it when ids are dense.
/// Density = interactions / (users × items).</item>
/// <item><c>UsersWithinLengthLimit</c>: users with at most <c>LengthLimit</c> items (the model's max length),
/// i.e. users that truncation leaves whole.</item>
/// <item><c>UsersWithRepeatedItem</c>: users with some item more than once in their sequence.</item>
/// <item><c>TestTargetInHistory</c>: users whose last item already occurs earlier in their sequence; an evaluator
/// that masks history items can never rank it first. <c>ValidationTargetInHistory</c>: the same for the
/// second-to-last item and the items before it.</item>
/// </list>
/// </summary>
public sealed record DatasetStatistics(
    string Name, int Users, int Items, int MaxItemId, long Interactions, double Density,
    double MeanLength, double MedianLength, int MinLength, int MaxLength,
    int LengthLimit, int UsersWithinLengthLimit, double ShareWithinLengthLimit,
    int UsersWithRepeatedItem, int TestTargetInHistory, int ValidationTargetInHistory,
    IReadOnlyList<LengthBin> LengthHistogram)
{
    /// <summary>Inclusive upper bounds of the default length bins; a last, open bin follows.</summary>
    public static IReadOnlyList<int> DefaultBinUpperBounds { get; } = new[] { 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 50, 100, 200, 500, 1000 };

    public static DatasetStatistics Compute(LoadedDataset loaded, int? lengthLimit = null) =>
        Compute(loaded.Origin.Name, loaded.Contents.Sequences, lengthLimit ?? loaded.Dataset.Summary.MaxLength);

    public static DatasetStatistics Compute(string name, IReadOnlyDictionary<int, int[]> sequences, int lengthLimit = 50,
        IReadOnlyList<int>? binUpperBounds = null)
    {
        if (sequences.Count == 0)
            throw new ArgumentException($"Dataset '{name}' has no users; there is nothing to describe.", nameof(sequences));
        if (lengthLimit < 1)
            throw new ArgumentOutOfRangeException(nameof(lengthLimit), lengthLimit, $"lengthLimit must be at least 1; got {lengthLimit}.");
        binUpperBounds ??= DefaultBinUpperBounds;
        for (int i = 0; i < binUpperBounds.Count; i++)
            if (binUpperBounds[i] < 1 || (i > 0 && binUpperBounds[i] <= binUpperBounds[i - 1]))
                throw new ArgumentException($"binUpperBounds must be positive and strictly increasing; got [{string.Join(", ", binUpperBounds)}].",
                    nameof(binUpperBounds));

        var lengths = sequences.Values.Select(s => s.Length).OrderBy(n => n).ToArray();
        var distinctItems = new HashSet<int>();
        int maxItem = 0, repeated = 0, testInHistory = 0, validationInHistory = 0;
        foreach (var s in sequences.Values)
        {
            foreach (int item in s)
            {
                distinctItems.Add(item);
                if (item > maxItem) maxItem = item;
            }
            if (s.Distinct().Count() < s.Length) repeated++;
            if (s.Length >= 2 && Array.IndexOf(s, s[^1], 0, s.Length - 1) >= 0) testInHistory++;
            if (s.Length >= 3 && Array.IndexOf(s, s[^2], 0, s.Length - 2) >= 0) validationInHistory++;
        }

        long interactions = lengths.Sum(n => (long)n);
        int users = lengths.Length, items = distinctItems.Count;
        int withinLimit = lengths.Count(n => n <= lengthLimit);
        double median = users % 2 == 1 ? lengths[users / 2] : (lengths[users / 2 - 1] + lengths[users / 2]) / 2.0;
        return new DatasetStatistics(name, users, items, maxItem, interactions,
            interactions / ((double)users * items), (double)interactions / users, median, lengths[0], lengths[^1],
            lengthLimit, withinLimit, (double)withinLimit / users,
            repeated, testInHistory, validationInHistory, Histogram(lengths, binUpperBounds));
    }

    static LengthBin[] Histogram(int[] sortedLengths, IReadOnlyList<int> upperBounds)
    {
        var bins = new List<LengthBin>();
        int lower = 1;
        foreach (int upper in upperBounds.Append(int.MaxValue))
        {
            int count = sortedLengths.Count(n => n >= lower && n <= upper);
            bins.Add(new LengthBin(lower, upper, count));
            if (upper == int.MaxValue) break;
            lower = upper + 1;
        }
        return bins.ToArray();
    }
}
