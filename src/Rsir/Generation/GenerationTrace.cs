namespace Rsir.Generation;

/// <summary>
/// One step of one traced sequence, for notebooks: the context the model scored, what the judge said, which pool the
/// Bernoulli(p) draw chose, what was picked, and why the sequence stopped if it did. Fields a step never reached are null
/// (a sequence stopped by T1 or T4 is not judged; one failing the judge picks nothing).
/// </summary>
public sealed record GenerationStep(
    int SeedRow,
    int SourceUser,
    int Copy,
    int Step,
    int[] Context,
    int UnusedRealItems,
    long? BestUnusedRealRank,
    double Tau,
    bool? Passed,
    double? PoolDraw,
    CandidatePool? Pool,
    double? PickDraw,
    int? Picked,
    int? RolledBack,
    StopReason? Stop)
{
    public override string ToString()
    {
        var text = $"row {SeedRow} user {SourceUser} copy {Copy} step {Step}: [{string.Join(", ", Context)}]";
        if (BestUnusedRealRank is { } rank) text += $", best unused real rank {rank} vs τ {Tau}: {(Passed == true ? "pass" : "FAIL")}";
        if (Pool is { } pool) text += $", pool {pool} (draw {PoolDraw:F3})";
        if (Picked is { } item) text += $", picked {item}";
        if (RolledBack is { } dropped) text += $", rolled back {dropped}";
        if (Stop is { } stop) text += $", stop {stop.Code()} {stop}";
        return text;
    }
}

/// <summary>
/// Which sequences to trace and where the steps go. Tracing copies the traced sequences' state to the host every step,
/// so trace a few users, not a whole round.
/// </summary>
public sealed record GenerationTrace(Func<int, bool> TracesSourceUser, Action<GenerationStep> OnStep)
{
    /// <summary>Collects every step of every copy seeded by <paramref name="sourceUser"/>'s rows into <paramref name="steps"/>.</summary>
    public static GenerationTrace ForUser(int sourceUser, ICollection<GenerationStep> steps) =>
        new(user => user == sourceUser, steps.Add);

    /// <summary>Collects every step of every sequence (small tests only).</summary>
    public static GenerationTrace Everything(ICollection<GenerationStep> steps) => new(_ => true, steps.Add);
}
