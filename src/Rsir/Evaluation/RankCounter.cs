using System.Numerics;
using System.Runtime.Intrinsics;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Evaluation;

/// <summary>How a candidate that scores exactly as high as the reference is counted.</summary>
public enum TieRule
{
    /// <summary>A tie (and a NaN) counts against the reference: "not strictly lower". The evaluation's rule, so that a
    /// model scoring everything alike cannot look good.</summary>
    CountsAgainst,
    /// <summary>Only strictly higher scores count: ties share the better rank. The fidelity judge's rule (the released
    /// code's "rank = 1 + #{j : s_j &gt; s_r}").</summary>
    SharesBetterRank,
}

/// <summary>
/// The one rank count of the workbench: rank = 1 + the number of candidate ids whose score beats the reference score,
/// with the tie rule and the candidate ids explicit. The evaluator (ties against, ids 1..V−1 minus the masked ones), the
/// fidelity judge (ties shared, all ids 0..V−1 on scores it already has) and the reference judge of the theory check
/// (ties shared, all ids, from hidden states in chunks) all count through it.
/// </summary>
public static class RankCounter
{
    /// <summary>Where <paramref name="scores"/> beat <paramref name="reference"/> (broadcast) under <paramref name="ties"/>.</summary>
    public static Tensor Beats(Tensor scores, Tensor reference, TieRule ties) =>
        ties == TieRule.CountsAgainst ? scores.lt(reference).logical_not() : scores.gt(reference);

    /// <summary>How many entries of each row of <paramref name="scores"/> beat <paramref name="reference"/> under
    /// <paramref name="ties"/> (int64). Counted as the complement of "strictly lower" for <see cref="TieRule.CountsAgainst"/>,
    /// so that a NaN counts against the reference with a single comparison. On the CPU, one pass over the scores
    /// (<see cref="HostCount"/>) instead of a comparison tensor and its sum: the same counts.</summary>
    public static Tensor CountBeats(Tensor scores, Tensor reference, TieRule ties)
    {
        if (scores.dim() == 2 && reference.dim() == 2 && reference.shape[0] == scores.shape[0] && reference.shape[1] == 1
            && HostTensors.IsHost(scores, ScalarType.Float32) && HostTensors.IsHost(reference, ScalarType.Float32))
            return HostCount(scores, reference, ties);
        return ties == TieRule.CountsAgainst
            ? scores.lt(reference).sum(1, type: ScalarType.Int64).neg_().add_(scores.shape[1])
            : scores.gt(reference).sum(1, type: ScalarType.Int64);
    }

    /// <summary>
    /// For each row of <paramref name="hidden"/> (n, d): how many ids in <paramref name="firstId"/>..V−1 of
    /// <paramref name="table"/> (V, d), other than the row's <paramref name="excludedIds"/> (n, c; distinct per row,
    /// −1 = none), beat <paramref name="reference"/> (n, 1). Scores are computed <paramref name="maxScoresInMemory"/> at a
    /// time, so memory does not grow with the catalogue: each chunk's count over all its ids, minus the excluded ids in it
    /// that beat the reference (read from c scores per row, so the chunk's scores are read once).
    /// </summary>
    public static Tensor CountBeating(Tensor hidden, Tensor table, Tensor reference, Tensor excludedIds, long firstId,
        TieRule ties, long maxScoresInMemory)
    {
        long n = hidden.shape[0], vocabulary = table.shape[0];
        long chunk = Math.Max(1, Math.Min(vocabulary - firstId, maxScoresInMemory / Math.Max(1, n)));
        var count = zeros(n, dtype: ScalarType.Int64, device: hidden.device);
        for (long lo = firstId; lo < vocabulary; lo += chunk)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(chunk, vocabulary - lo);
            var scores = hidden.matmul(table.narrow(0, lo, size).t());                    // (n, size)
            var inChunk = excludedIds.ge(lo).logical_and(excludedIds.lt(lo + size));
            var excludedScores = scores.gather(1, where(inChunk, excludedIds - lo, 0L));
            var excludedBeating = Beats(excludedScores, reference, ties).logical_and(inChunk).sum(1, type: ScalarType.Int64);
            count.add_(CountBeats(scores, reference, ties)).sub_(excludedBeating);
        }
        return count;
    }

    /// <summary>The count of <see cref="CountBeats"/> read straight from CPU memory, rows split over libtorch's thread
    /// count. Comparisons are exact, so the counts are those of the tensor expression (tested, NaN and ties included).</summary>
    internal static Tensor HostCount(Tensor scores, Tensor reference, TieRule ties)
    {
        long rows = scores.shape[0], columns = scores.shape[1];
        var counts = empty(rows, dtype: ScalarType.Int64);
        using var scope = NewDisposeScope();
        unsafe
        {
            long scoresAt = (long)HostTensors.Pointer<float>(scores), referenceAt = (long)HostTensors.Pointer<float>(reference);
            long countsAt = (long)HostTensors.Pointer<long>(counts);
            bool strictlyLowerCounted = ties == TieRule.CountsAgainst;
            Parallel.For(0, (int)rows, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) }, r =>
            {
                float* row = (float*)scoresAt + r * columns;
                float bar = ((float*)referenceAt)[r];
                long hits = CountStrictly(row, columns, bar, above: !strictlyLowerCounted);
                ((long*)countsAt)[r] = strictlyLowerCounted ? columns - hits : hits;
            });
        }
        return counts;
    }

    /// <summary>How many of the row's <paramref name="columns"/> scores are strictly above (or below) <paramref name="bar"/>.</summary>
    private static unsafe long CountStrictly(float* row, long columns, float bar, bool above)
    {
        long hits = 0, k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (var b = Vector512.Create(bar); k + 16 <= columns; k += 16)
            {
                var v = Vector512.Load(row + k);
                hits += BitOperations.PopCount((above ? Vector512.GreaterThan(v, b) : Vector512.LessThan(v, b)).ExtractMostSignificantBits());
            }
        else if (Vector256.IsHardwareAccelerated)
            for (var b = Vector256.Create(bar); k + 8 <= columns; k += 8)
            {
                var v = Vector256.Load(row + k);
                hits += BitOperations.PopCount((above ? Vector256.GreaterThan(v, b) : Vector256.LessThan(v, b)).ExtractMostSignificantBits());
            }
        for (; k < columns; k++) if (above ? row[k] > bar : row[k] < bar) hits++;
        return hits;
    }

}
