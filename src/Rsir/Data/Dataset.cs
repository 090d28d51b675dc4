namespace Rsir.Data;

/// <summary>Where a training row came from: a real user (round 0) or a synthetic sequence made in an RSIR round.</summary>
public sealed record RowOrigin(int Round, int SourceUser, string? Generator = null, string? StopReason = null)
{
    public static RowOrigin Real(int user) => new(0, user);
    public bool IsReal => Round == 0;
}

/// <summary>
/// One training row, seq-to-seq: the model reads <c>Items[..^1]</c> and predicts <c>Items[1..]</c> at every position.
/// For a real user with sequence s this is s[:-2] (input s[:-3], targets s[1:-2]); for a synthetic sequence g it is g.
/// </summary>
public sealed record TrainingRow(int User, int[] Items, RowOrigin Origin)
{
    public int InputLength => Items.Length - 1;
}

/// <summary>A ranking query: the user's history (oldest first) and the held-out next item.</summary>
public sealed record EvaluationRow(int User, int[] History, int Target);

/// <summary>
/// An immutable, split dataset: training rows (real and, after RSIR rounds, synthetic), validation and test queries.
/// Item ids run 1..ItemCount; 0 is padding, so models use a vocabulary of ItemCount + 1 rows.
/// </summary>
public sealed class Dataset
{
    public string Name { get; }
    public int ItemCount { get; }
    public int UserCount { get; }
    public IReadOnlyList<TrainingRow> TrainRows { get; }
    public IReadOnlyList<EvaluationRow> Validation { get; }
    public IReadOnlyList<EvaluationRow> Test { get; }
    /// <summary>The users' full (truncated) sequences, by user id; kept for statistics and leakage checks.</summary>
    public IReadOnlyDictionary<int, int[]> UserSequences { get; }
    public SplitSummary Summary { get; }

    public int VocabularySize => ItemCount + 1;
    public int RealRowCount => TrainRows.Count(r => r.Origin.IsReal);
    public IEnumerable<TrainingRow> SyntheticRows => TrainRows.Where(r => !r.Origin.IsReal);

    internal Dataset(string name, int itemCount, int userCount, IReadOnlyList<TrainingRow> trainRows,
        IReadOnlyList<EvaluationRow> validation, IReadOnlyList<EvaluationRow> test,
        IReadOnlyDictionary<int, int[]> userSequences, SplitSummary summary)
    {
        Name = name; ItemCount = itemCount; UserCount = userCount; TrainRows = trainRows;
        Validation = validation; Test = test; UserSequences = userSequences; Summary = summary;
    }

    /// <summary>A new dataset whose training set also holds <paramref name="rows"/>; validation and test never change.</summary>
    public Dataset WithTrainingRows(IEnumerable<TrainingRow> rows)
    {
        var merged = TrainRows.Concat(rows).ToArray();
        foreach (var row in merged.Skip(TrainRows.Count))
        {
            if (row.Items.Length < 2)
                throw new ArgumentException($"A training row needs at least 2 items; row of user {row.User} has {row.Items.Length}.");
            foreach (int item in row.Items)
                if (item < 1 || item > ItemCount)
                    throw new ArgumentOutOfRangeException(nameof(rows), $"Item id {item} of row (user {row.User}) is outside 1..{ItemCount}.");
        }
        return new Dataset(Name, ItemCount, UserCount, merged, Validation, Test, UserSequences, Summary);
    }

    /// <summary>The same dataset restricted to its real rows (the D_0 of an RSIR run).</summary>
    public Dataset RealOnly() => new(Name, ItemCount, UserCount, TrainRows.Where(r => r.Origin.IsReal).ToArray(),
        Validation, Test, UserSequences, Summary);

    /// <summary>Training-set density: interactions in training inputs and targets / (rows × items).</summary>
    public double TrainingDensity()
    {
        long interactions = TrainRows.Sum(r => (long)r.Items.Length);
        return (double)interactions / ((double)TrainRows.Count * ItemCount);
    }
}

/// <summary>What the split kept and dropped, for the printed summary.</summary>
public sealed record SplitSummary(int UsersRead, int UsersKept, int UsersTooShort, int SequencesTruncated, int MaxLength);

/// <summary>
/// The paper's protocol: keep each user's last <c>maxLength</c> items, then leave-one-out.
/// Training row: input s[:-3], targets s[1:-2]. Validation: history s[:-2], target s[-2]. Test: history s[:-1], target s[-1].
/// </summary>
public static class LeaveOneOut
{
    /// <summary>Fewest items a user needs: one training input, its target, the validation and the test item.</summary>
    public const int MinimumLength = 4;

    public static Dataset Split(string name, IReadOnlyDictionary<int, int[]> sequences, int itemCount, int maxLength = 50)
    {
        if (maxLength < MinimumLength)
            throw new ArgumentOutOfRangeException(nameof(maxLength), $"maxLength must be at least {MinimumLength}; got {maxLength}.");
        var train = new List<TrainingRow>();
        var validation = new List<EvaluationRow>();
        var test = new List<EvaluationRow>();
        var kept = new Dictionary<int, int[]>();
        int tooShort = 0, truncated = 0;
        foreach (var (user, full) in sequences.OrderBy(p => p.Key))
        {
            var s = full.Length > maxLength ? full[^maxLength..] : full;
            if (full.Length > maxLength) truncated++;
            if (s.Length < MinimumLength) { tooShort++; continue; }
            kept[user] = s;
            train.Add(new TrainingRow(user, s[..^2], RowOrigin.Real(user)));
            validation.Add(new EvaluationRow(user, s[..^2], s[^2]));
            test.Add(new EvaluationRow(user, s[..^1], s[^1]));
        }
        if (kept.Count == 0)
            throw new InvalidDataException($"Dataset '{name}': no user has at least {MinimumLength} items, nothing to train on.");
        var summary = new SplitSummary(sequences.Count, kept.Count, tooShort, truncated, maxLength);
        var dataset = new Dataset(name, itemCount, kept.Count, train, validation, test, kept, summary);
        LeakageCheck.Verify(dataset);
        return dataset;
    }
}
