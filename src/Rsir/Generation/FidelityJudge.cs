using Rsir.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Generation;

/// <summary>The judge's answer for a batch: pass/fail per row and the rank of each row's best unused real item.</summary>
public sealed record JudgeVerdict(Tensor Passed, Tensor BestUnusedRealRank);

/// <summary>
/// RSIR's fidelity control. Before a sequence is extended, the model's scores for its current context are checked:
/// the sequence passes when at least one of the user's still-unused real items ranks within the top τ of the whole
/// catalogue. The best-scoring unused real item has the smallest rank, so
/// <code>
///   bestUnusedReal = max over unused real items r of s_r
///   rank           = 1 + #{ ids j in 0..V−1 : s_j &gt; bestUnusedReal }      (strict '&gt;': ties share the better rank)
///   passed         = rank ≤ τ
/// </code>
/// As in the released code, ranks are counted over ALL ids on the unmasked scores: PAD (id 0) and items already in
/// the sequence compete too. Excluding them would change ranks by at most |g| + 1; we keep the code's definition.
/// τ = +∞ passes every row; ranks are still recorded, so the no-fidelity ablation shows how far it drifts.
/// The judge keeps a record (pass/fail counts, histogram of ranks, per-step summaries) across calls, for the
/// round statistics, notebooks and the theory check.
/// </summary>
public sealed class FidelityJudge : IDisposable
{
    private long judged, passed;
    private Tensor? rankHistogram; // (V + 1) int64 on the scores' device, outside every dispose scope
    private readonly SortedDictionary<int, (long Judged, long Passed, double RankSum)> perStep = new();

    public FidelityJudge(double tau) => Tau = ValidateTau(tau);

    /// <summary>The one check of a rank threshold τ: a whole number ≥ 1, or +∞ for no fidelity control.</summary>
    public static double ValidateTau(double tau, string name = "Tau") =>
        double.IsPositiveInfinity(tau) || (!double.IsNaN(tau) && tau >= 1 && tau == Math.Floor(tau)) ? tau
            : throw new ArgumentOutOfRangeException(name, $"{name} (judge rank threshold) must be a whole number ≥ 1 or +∞ (judge off); got {tau}.");

    public double Tau { get; }
    public bool IsEnabled => !double.IsPositiveInfinity(Tau);

    /// <summary>
    /// Judges every row. <paramref name="scores"/>: (B, V) raw scores over ids 0..V−1 for each sequence's current
    /// context. <paramref name="unusedRealItems"/>: (B, V) bool, true at the user's real items not yet in the sequence;
    /// every row must have at least one (the generator stops sequences without any, T1, before asking the judge).
    /// <paramref name="step"/> labels the record's per-step summary.
    /// </summary>
    public JudgeVerdict Judge(Tensor scores, Tensor unusedRealItems, int step = 0)
    {
        if (scores.dim() != 2)
            throw new ArgumentException($"Scores must have shape (batch, vocabulary); got ({string.Join(", ", scores.shape)}).");
        if (!unusedRealItems.shape.SequenceEqual(scores.shape))
            throw new ArgumentException($"The unused-real-item mask ({string.Join(", ", unusedRealItems.shape)}) must have the scores' shape ({string.Join(", ", scores.shape)}).");
        if (unusedRealItems.dtype != ScalarType.Bool)
            throw new ArgumentException($"The unused-real-item mask must be bool; got {unusedRealItems.dtype}.");

        using var scope = NewDisposeScope();
        if (scores.shape[0] > 0 && !unusedRealItems.any(1).all().item<bool>())
            throw new ArgumentException("Every judged row needs at least one unused real item (stop such sequences first: T1).");
        var bestUnusedReal = scores.masked_fill(unusedRealItems.logical_not(), double.NegativeInfinity).amax(new long[] { 1 }, keepdim: true);
        return Verdict(scores, bestUnusedReal, step);
    }

    /// <summary>
    /// <see cref="Judge"/> with each row's real items given as ids (B, W) and which of them are unused (B, W): the
    /// generator's form, which reads W scores per row instead of a (B, V) mask. Every row must have an unused one.
    /// </summary>
    internal JudgeVerdict JudgeAtIds(Tensor scores, Tensor realIds, Tensor unused, int step)
    {
        using var scope = NewDisposeScope();
        var bestUnusedReal = scores.gather(1, realIds).masked_fill(unused.logical_not(), double.NegativeInfinity)
            .amax(new long[] { 1 }, keepdim: true);
        return Verdict(scores, bestUnusedReal, step);
    }

    private JudgeVerdict Verdict(Tensor scores, Tensor bestUnusedReal, int step)
    {
        var rank = RankCounter.CountBeats(scores, bestUnusedReal, TieRule.SharesBetterRank) + 1;
        var pass = IsEnabled ? rank.le(Tau) : ones_like(rank, dtype: ScalarType.Bool);

        Record(rank, pass, (int)scores.shape[1], step);
        return new JudgeVerdict(pass.MoveToOuterDisposeScope(), rank.MoveToOuterDisposeScope());
    }

    private void Record(Tensor rank, Tensor pass, int vocabulary, int step)
    {
        if (rank.shape[0] == 0) return;
        rankHistogram ??= zeros(vocabulary + 1, dtype: ScalarType.Int64, device: rank.device).DetachFromDisposeScope();
        if (rankHistogram.shape[0] != vocabulary + 1)
            throw new ArgumentException($"This judge has seen a vocabulary of {rankHistogram.shape[0] - 1} ids, now {vocabulary}; use one judge per catalogue.");
        rankHistogram.add_(bincount(rank, minlength: vocabulary + 1).to(rankHistogram.device));

        long rows = rank.shape[0], rowsPassed = pass.sum().item<long>();
        double rankSum = rank.sum().item<long>();
        judged += rows;
        passed += rowsPassed;
        perStep.TryGetValue(step, out var s);
        perStep[step] = (s.Judged + rows, s.Passed + rowsPassed, s.RankSum + rankSum);
    }

    /// <summary>A snapshot of everything judged so far.</summary>
    public JudgeRecord Snapshot() => new(Tau, judged, passed,
        rankHistogram is null ? Array.Empty<long>() : HostCopy(rankHistogram),
        perStep.Select(p => new JudgeStepSummary(p.Key, p.Value.Judged, p.Value.Passed, p.Value.RankSum / p.Value.Judged)).ToArray());

    private static long[] HostCopy(Tensor counts)
    {
        using var scope = NewDisposeScope();
        return counts.cpu().data<long>().ToArray();
    }

    /// <summary>Forgets what was judged (the generator uses a fresh judge per round instead).</summary>
    public void Reset()
    {
        judged = passed = 0;
        rankHistogram?.Dispose();
        rankHistogram = null;
        perStep.Clear();
    }

    public void Dispose() => Reset();
}

/// <summary>How many sequences the judge saw at one generation step, how many passed, and their mean rank.</summary>
public sealed record JudgeStepSummary(int Step, long Judged, long Passed, double MeanRank)
{
    public double PassRate => Judged == 0 ? double.NaN : (double)Passed / Judged;
}

/// <summary>
/// What the judge saw over a round: counts, and <see cref="RankHistogram"/>[r] = how many judged steps had their best
/// unused real item at rank r (index 0 is unused).
/// </summary>
public sealed record JudgeRecord(double Tau, long StepsJudged, long StepsPassed, long[] RankHistogram,
    IReadOnlyList<JudgeStepSummary> PerStep)
{
    public long StepsFailed => StepsJudged - StepsPassed;
    public double PassRate => StepsJudged == 0 ? double.NaN : (double)StepsPassed / StepsJudged;

    public double MeanRank => StepsJudged == 0 ? double.NaN
        : RankHistogram.Select((count, rank) => (double)count * rank).Sum() / StepsJudged;

    /// <summary>Share of judged steps whose best unused real item ranked within <paramref name="cutoff"/>.</summary>
    public double ShareWithin(long cutoff) => StepsJudged == 0 ? double.NaN
        : (double)RankHistogram.Take((int)Math.Min(cutoff + 1, RankHistogram.Length)).Sum() / StepsJudged;

    /// <summary>The smallest rank r with at least a share <paramref name="q"/> of judged steps at rank ≤ r.</summary>
    public long RankQuantile(double q)
    {
        if (q is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(q), $"q must be in [0, 1]; got {q}.");
        if (StepsJudged == 0) return 0;
        long needed = (long)Math.Ceiling(q * StepsJudged), seen = 0;
        for (int r = 1; r < RankHistogram.Length; r++)
            if ((seen += RankHistogram[r]) >= Math.Max(1, needed)) return r;
        return RankHistogram.Length - 1;
    }
}
