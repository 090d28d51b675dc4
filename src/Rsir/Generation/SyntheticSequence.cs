using Rsir.Data;

namespace Rsir.Generation;

/// <summary>Why a synthetic sequence stopped growing (the paper's termination conditions T1–T4).</summary>
public enum StopReason
{
    /// <summary>T1: every real item of the user is already in the sequence.</summary>
    AllRealItemsUsed = 1,
    /// <summary>T2: no unused real item ranks within the top τ (fidelity check failed).</summary>
    JudgeFailed = 2,
    /// <summary>T3: the chosen candidate pool has no item left.</summary>
    PoolEmpty = 3,
    /// <summary>T4: the sequence reached MaxLength.</summary>
    ReachedMaxLength = 4,
}

/// <summary>Which candidate pool a step picked from.</summary>
public enum CandidatePool
{
    /// <summary>The user's real items not yet in the sequence ("exploit", probability p).</summary>
    OwnHistory,
    /// <summary>Every catalogue item not yet in the sequence, PAD excluded ("explore", probability 1 − p).</summary>
    Catalogue,
}

public static class StopReasonExtensions
{
    /// <summary>The paper's label: T1, T2, T3 or T4.</summary>
    public static string Code(this StopReason reason) => $"T{(int)reason}";
}

/// <summary>
/// One kept synthetic sequence with its provenance: the round, the seed row and user it grew from, the generator model,
/// why it stopped, and how many of its items (prefix included) are the source user's real items versus new to them.
/// </summary>
public sealed record SyntheticSequence(
    int PseudoUser,
    int Round,
    int SourceUser,
    int SeedRow,
    int Copy,
    string Generator,
    int[] Items,
    StopReason StopReason,
    int PrefixLength,
    int ItemsFromHistory)
{
    public int Length => Items.Length;
    public int ItemsNewToUser => Items.Length - ItemsFromHistory;

    /// <summary>The row that joins D_{k+1}: input g[:-1], targets g[1:], under a fresh pseudo-user id.</summary>
    public TrainingRow ToTrainingRow() =>
        new(PseudoUser, Items, new RowOrigin(Round, SourceUser, Generator, StopReason.ToString()));
}

/// <summary>What one generation round did, for logs, notebooks and the results folder.</summary>
public sealed record RoundStatistics(
    int Round,
    string Generator,
    int SeedRows,
    int SequencesTried,
    int SequencesKept,
    int DroppedShort,
    int DuplicatesRemoved,
    double MeanLength,
    IReadOnlyDictionary<int, int> LengthHistogram,
    IReadOnlyDictionary<StopReason, int> StopReasonsTried,
    IReadOnlyDictionary<StopReason, int> StopReasonsKept,
    long StepsJudged,
    long StepsPassed,
    long ItemsFromHistory,
    long ItemsNewToUser,
    TimeSpan WallTime)
{
    /// <summary>Steps the judge passed / steps it judged (NaN when nothing was judged).</summary>
    public double JudgePassRate => StepsJudged == 0 ? double.NaN : (double)StepsPassed / StepsJudged;

    /// <summary>Share of the kept sequences' items (prefix included) that are the source user's real items.</summary>
    public double ShareFromHistory => ItemsFromHistory + ItemsNewToUser == 0 ? double.NaN
        : (double)ItemsFromHistory / (ItemsFromHistory + ItemsNewToUser);

    public double ShareNewToUser => 1 - ShareFromHistory;
}

/// <summary>The outcome of one round: the kept sequences, the statistics and the judge's record.</summary>
public sealed record GenerationRound(
    int Round,
    GenerationOptions Options,
    IReadOnlyList<SyntheticSequence> Sequences,
    RoundStatistics Statistics,
    JudgeRecord Judge)
{
    /// <summary>The synthetic training rows, in generation order.</summary>
    public IReadOnlyList<TrainingRow> Rows => Sequences.Select(s => s.ToTrainingRow()).ToArray();

    /// <summary>D_{k+1} = D_k ∪ synthetic rows (validation and test unchanged).</summary>
    public Dataset AppendTo(Dataset trainingSet) => trainingSet.WithTrainingRows(Rows);
}
