namespace Rsir.Data;

/// <summary>A dataset whose training rows hold what evaluation asks for (a user's validation or test position), or
/// whose evaluation rows do not match the users' sequences. Always a bug in the code that built the dataset.</summary>
public sealed class DataLeakageException(string message) : InvalidOperationException(message);

/// <summary>
/// What <see cref="LeakageCheck.Verify"/> found in a leak-free dataset: its rows, and how many validation and test
/// targets the user had already consumed earlier in the evaluated history (repeat consumption). A history-masking
/// evaluator can never rank such a target first, so they bound what any model can reach.
/// </summary>
public sealed record LeakageReport(int Users, int RealRows, int SyntheticRows, int ValidationTargetsInHistory, int TestTargetsInHistory);

/// <summary>
/// The leave-one-out contract, checked row by row. For every real user with (truncated) sequence s:
/// exactly one real training row, equal to s[:-2]; validation history s[:-2] with target s[-2]; test history s[:-1]
/// with target s[-1]. Synthetic rows are pseudo-users: they may hold any items, but never a real user's id.
/// </summary>
public static class LeakageCheck
{
    public static LeakageReport Verify(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string name = dataset.Name;
        var sequences = dataset.UserSequences;
        var realRowSeen = new HashSet<int>();
        int synthetic = 0;
        foreach (var row in dataset.TrainRows)
        {
            if (!row.Origin.IsReal)
            {
                if (sequences.ContainsKey(row.User))
                    throw new DataLeakageException(
                        $"Dataset '{name}': synthetic row of round {row.Origin.Round} uses the id of real user {row.User}; " +
                        "pseudo-users need ids of their own.");
                synthetic++;
                continue;
            }
            if (!sequences.TryGetValue(row.User, out var s))
                throw new DataLeakageException($"Dataset '{name}': a real training row belongs to user {row.User}, who has no sequence.");
            if (!realRowSeen.Add(row.User))
                throw new DataLeakageException($"Dataset '{name}': user {row.User} has more than one real training row.");
            if (!row.Items.AsSpan().SequenceEqual(s.AsSpan(0, s.Length - 2)))
                throw new DataLeakageException(
                    $"Dataset '{name}': the training row of user {row.User} is [{Show(row.Items)}] but must be the user's " +
                    $"sequence without its validation and test items, [{Show(s[..^2])}] (sequence [{Show(s)}]).");
        }
        var missing = sequences.Keys.Where(u => !realRowSeen.Contains(u)).Take(5).ToArray();
        if (missing.Length > 0)
            throw new DataLeakageException($"Dataset '{name}': users without a real training row: {string.Join(", ", missing)}.");

        int validationRepeats = CheckEvaluationRows(name, dataset.Validation, sequences, "validation", heldOut: 2);
        int testRepeats = CheckEvaluationRows(name, dataset.Test, sequences, "test", heldOut: 1);
        return new LeakageReport(sequences.Count, realRowSeen.Count, synthetic, validationRepeats, testRepeats);
    }

    /// <summary>Each user once, history = s[:-heldOut], target = s[-heldOut]; returns how many targets occur in their history.</summary>
    private static int CheckEvaluationRows(string name, IReadOnlyList<EvaluationRow> rows, IReadOnlyDictionary<int, int[]> sequences,
        string split, int heldOut)
    {
        if (rows.Count != sequences.Count)
            throw new DataLeakageException($"Dataset '{name}': {rows.Count} {split} rows for {sequences.Count} users.");
        var seen = new HashSet<int>();
        int repeats = 0;
        foreach (var row in rows)
        {
            if (!sequences.TryGetValue(row.User, out var s) || !seen.Add(row.User))
                throw new DataLeakageException($"Dataset '{name}': {split} row of user {row.User} is unknown or repeated.");
            if (row.Target != s[^heldOut] || !row.History.AsSpan().SequenceEqual(s.AsSpan(0, s.Length - heldOut)))
                throw new DataLeakageException(
                    $"Dataset '{name}': the {split} row of user {row.User} (history [{Show(row.History)}], target {row.Target}) " +
                    $"must be history [{Show(s[..^heldOut])}], target {s[^heldOut]}.");
            if (Array.IndexOf(row.History, row.Target) >= 0) repeats++;
        }
        return repeats;
    }

    private static string Show(int[] items) => items.Length <= 12
        ? string.Join(' ', items)
        : string.Join(' ', items.Take(6)) + " … " + string.Join(' ', items.TakeLast(4));
}
