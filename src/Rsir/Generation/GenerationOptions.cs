using System.Text.Json.Serialization;

namespace Rsir.Generation;

/// <summary>How the next item is chosen from the scores of the chosen candidate pool.</summary>
public enum Decoding
{
    /// <summary>Top-1 of the pool (the released code).</summary>
    Greedy,
    /// <summary>Sample from the pool's K best items with softmax(score / Temperature) (the paper's wording).</summary>
    TopK,
}

/// <summary>Where a synthetic sequence starts.</summary>
public enum PrefixPolicy
{
    /// <summary>The user's first real item only; all M copies share it (the released code).</summary>
    FirstItem,
    /// <summary>
    /// A random-length prefix of the user's real input, drawn per copy: length ℓ uniform in 1..max(1, |x| − 1), so at
    /// least one real item is left to judge against whenever the user has two or more (the paper's text).
    /// </summary>
    RandomPrefix,
}

/// <summary>What happens to the last appended item when the fidelity judge fails.</summary>
public enum JudgeFailurePolicy
{
    /// <summary>Stop and keep the item whose context failed the check (the released code).</summary>
    KeepLastItem,
    /// <summary>
    /// Stop and drop the last generated item: a step is accepted only when, after it, some unused real item still
    /// ranks within τ (the paper's reading). Prefix items are never dropped.
    /// </summary>
    RollBack,
}

/// <summary>Which training rows of D_k seed the round.</summary>
public enum SeedRows
{
    /// <summary>Every row of D_k, synthetic rows of earlier rounds included (the released code).</summary>
    All,
    /// <summary>Only the real users' rows.</summary>
    RealOnly,
}

/// <summary>
/// Everything one RSIR generation round needs to know, validated once by <see cref="Validate"/>.
/// Defaults follow the released code: m = 5 copies, p = 0.5, τ = 20, greedy decoding from the first item, keep the
/// item that failed the judge, sequences of 3..50 items, seeds drawn from all rows of D_k.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>Copies generated per seed row (m).</summary>
    public int M { get; init; } = 5;

    /// <summary>Probability (p) that a step picks from the user's own unused real items instead of the catalogue.</summary>
    public double P { get; init; } = 0.5;

    /// <summary>
    /// Judge rank threshold τ: a sequence goes on while its best-ranked unused real item ranks within the top τ of the
    /// catalogue. <see cref="double.PositiveInfinity"/> turns fidelity control off (ranks are still recorded).
    /// </summary>
    public double Tau { get; init; } = 20;

    public Decoding Decoding { get; init; } = Decoding.Greedy;

    /// <summary>Pool size for <see cref="Generation.Decoding.TopK"/>; ignored by greedy decoding.</summary>
    public int K { get; init; } = 10;

    /// <summary>Softmax temperature for <see cref="Generation.Decoding.TopK"/>; ignored by greedy decoding.</summary>
    public double Temperature { get; init; } = 1.0;

    public PrefixPolicy Prefix { get; init; } = PrefixPolicy.FirstItem;

    public JudgeFailurePolicy OnJudgeFailure { get; init; } = JudgeFailurePolicy.KeepLastItem;

    /// <summary>Longest synthetic sequence, prefix included (T4).</summary>
    public int MaxLength { get; init; } = DefaultMaxLength;

    public const int DefaultMaxLength = 50;

    /// <summary>Shorter sequences are dropped; the prefix counts.</summary>
    public int MinLength { get; init; } = 3;

    /// <summary>Seed of the one random stream every draw of the round comes from; null: the training seed inside a loop
    /// (<see cref="Experiments.RsirLoopOptions.Resolved"/>), <see cref="DefaultSeed"/> for a generator used alone.</summary>
    public ulong? Seed { get; init; }

    public const ulong DefaultSeed = 2023;

    /// <summary>Sequences advanced together (seed rows are processed in chunks of BatchSize / M rows, fewer for a large
    /// catalogue: see <see cref="MaxScoresInMemory"/>).</summary>
    public int BatchSize { get; init; } = 1024;

    public SeedRows SeedRows { get; init; } = SeedRows.All;

    /// <summary>
    /// A no-judge variant of the ablation: nothing but <see cref="MaxLength"/> stops a sequence. T1 (every real item
    /// used) is skipped, and a step that picks the user's own pool after it is empty picks from the catalogue instead.
    /// Needs τ = +∞: once the real items are used up there is nothing left to judge.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RunToMaxLength { get; init; }

    /// <summary>
    /// Memory bound for large catalogues: a chunk holds at most this many catalogue cells per tensor (sequences ×
    /// vocabulary: the score matrix and the used/real/pool masks), so fewer sequences advance together when the
    /// catalogue is large. The default (2^25 cells, 128 MiB of fp32 scores) never binds on the benchmark datasets
    /// (1,024 × 18,358 items for Sports) and so leaves their rounds unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long MaxScoresInMemory { get; init; } = DefaultMaxScoresInMemory;

    public const long DefaultMaxScoresInMemory = 1L << 25;

    /// <summary>Seed rows per chunk for a vocabulary of <paramref name="vocabularySize"/> ids (PAD included): BatchSize / M,
    /// lowered so that rows × M × vocabulary ≤ MaxScoresInMemory, and at least one row.</summary>
    public int SeedRowsPerChunk(long vocabularySize) =>
        (int)Math.Max(1, Math.Min(BatchSize / M, MaxScoresInMemory / (M * Math.Max(1, vocabularySize))));

    /// <summary>True unless τ is +∞.</summary>
    public bool FidelityControl => !double.IsPositiveInfinity(Tau);

    /// <summary>The same options with fidelity control off (τ = +∞), as in the paper's ablation.</summary>
    public GenerationOptions WithoutFidelityControl() => this with { Tau = double.PositiveInfinity };

    /// <summary>Throws if a setting is out of range; returns the options so calls can chain.</summary>
    public GenerationOptions Validate()
    {
        if (M < 1) throw new ArgumentOutOfRangeException(nameof(M), $"M (copies per seed row) must be ≥ 1; got {M}.");
        if (double.IsNaN(P) || P < 0 || P > 1)
            throw new ArgumentOutOfRangeException(nameof(P), $"P (probability of the user's own pool) must be in [0, 1]; got {P}.");
        FidelityJudge.ValidateTau(Tau, nameof(Tau));
        if (!Enum.IsDefined(Decoding)) throw new ArgumentOutOfRangeException(nameof(Decoding), $"Decoding must be Greedy or TopK; got {Decoding}.");
        if (K < 1) throw new ArgumentOutOfRangeException(nameof(K), $"K (top-k pool size) must be ≥ 1; got {K}.");
        if (double.IsNaN(Temperature) || Temperature <= 0 || double.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), $"Temperature must be finite and > 0; got {Temperature}.");
        if (!Enum.IsDefined(Prefix)) throw new ArgumentOutOfRangeException(nameof(Prefix), $"Prefix must be FirstItem or RandomPrefix; got {Prefix}.");
        if (!Enum.IsDefined(OnJudgeFailure))
            throw new ArgumentOutOfRangeException(nameof(OnJudgeFailure), $"OnJudgeFailure must be KeepLastItem or RollBack; got {OnJudgeFailure}.");
        if (MaxLength < 2) throw new ArgumentOutOfRangeException(nameof(MaxLength), $"MaxLength must be ≥ 2; got {MaxLength}.");
        if (MinLength < 2 || MinLength > MaxLength)
            throw new ArgumentOutOfRangeException(nameof(MinLength),
                $"MinLength must be in [2, MaxLength = {MaxLength}] (a training row needs an input and a target); got {MinLength}.");
        if (BatchSize < M)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be ≥ M = {M} (all copies of a seed row advance together); got {BatchSize}.");
        if (MaxScoresInMemory < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxScoresInMemory), $"MaxScoresInMemory must be ≥ 1; got {MaxScoresInMemory}.");
        if (RunToMaxLength && FidelityControl)
            throw new ArgumentOutOfRangeException(nameof(RunToMaxLength),
                $"RunToMaxLength needs the judge off (Tau = +∞): once a sequence has used every real item there is nothing to judge; got Tau = {Tau}.");
        if (!Enum.IsDefined(SeedRows)) throw new ArgumentOutOfRangeException(nameof(SeedRows), $"SeedRows must be All or RealOnly; got {SeedRows}.");
        return this;
    }
}
