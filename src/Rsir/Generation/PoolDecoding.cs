using System.Numerics;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Generation;

/// <summary>How the next item is picked from the chosen pool: the pool set on the scores, then greedy or top-k decoding.</summary>
internal static class PoolDecoding
{
    /// <summary>
    /// The next item of each row from its scores (B', V), its context g (B', L) and the user's real ids (B', W,
    /// ascending, 0-padded), decoded by <see cref="Pick"/> with −∞ outside the row's pool: PAD and g's items for every row
    /// (set in place on the scores), and for rows drawing from the user's own history every id but the unused real ones.
    /// Greedy picks for those rows read only their real ids: ascending, so the first best is the lowest id, as over the
    /// whole catalogue.
    /// </summary>
    public static Tensor Next(GenerationOptions options, Tensor scores, Tensor sequences, Tensor realIds, Tensor fromOwnHistory, Tensor? pickDraws)
    {
        scores.scatter_(1, sequences, full(1, double.NegativeInfinity, dtype: scores.dtype, device: scores.device).expand(sequences.shape));
        scores.narrow(1, 0, 1).fill_(double.NegativeInfinity);
        var own = fromOwnHistory.nonzero().squeeze(1);
        if (own.shape[0] == 0) return Pick(options, scores, pickDraws);
        var ownIds = realIds.index_select(0, own);
        var ownScores = scores.gather(1, realIds).index_select(0, own);                // −∞ at used ids and padding
        if (options.Decoding == Decoding.Greedy)
            return ArgMax(scores, skipRows: fromOwnHistory).index_copy_(0, own, ownIds.gather(1, ownScores.argmax(1, keepdim: true)).squeeze(1));
        var onlyOwn = full(own.shape[0], scores.shape[1], double.NegativeInfinity, dtype: scores.dtype, device: scores.device)
            .scatter_(1, ownIds, ownScores);
        return Pick(options, scores.index_copy_(0, own, onlyOwn), pickDraws);
    }

    /// <summary>
    /// Greedy: the pool's best item (lowest id on ties). TopK: the pool's k best items sorted by score,
    /// probabilities softmax(score / T), and the first item whose cumulative probability exceeds draw × total.
    /// <paramref name="poolScores"/> is −∞ outside the pool.
    /// </summary>
    public static Tensor Pick(GenerationOptions options, Tensor poolScores, Tensor? pickDraws)
    {
        if (options.Decoding == Decoding.Greedy) return ArgMax(poolScores);

        int k = (int)Math.Min(options.K, poolScores.shape[1]);
        var (topScores, topItems) = poolScores.topk(k, dim: 1, largest: true, sorted: true);
        var probabilities = topScores.to(ScalarType.Float64).div(options.Temperature).softmax(1);
        var cumulative = probabilities.cumsum(1);
        var threshold = pickDraws!.mul(cumulative.narrow(1, k - 1, 1).squeeze(1)).unsqueeze(1);
        var lastInPool = topScores.isfinite().sum(1, type: ScalarType.Int64) - 1;
        var choice = cumulative.le(threshold).sum(1, type: ScalarType.Int64).minimum(lastInPool).clamp_min(0);
        return topItems.gather(1, choice.unsqueeze(1)).squeeze(1);
    }

    /// <summary>
    /// <c>scores.argmax(1)</c>: each row's first index of its maximum, a NaN counting as the maximum (libtorch's rule).
    /// Rows where <paramref name="skipRows"/> is true get 0 (their pick comes from elsewhere). On the CPU, one vector
    /// pass for the maximum and one for its first index, rows over libtorch's threads: libtorch's CPU argmax compares
    /// one element at a time, and over the whole catalogue at every step it was a quarter of a generation round.
    /// </summary>
    internal static Tensor ArgMax(Tensor scores, Tensor? skipRows = null)
    {
        if (!HostTensors.IsHost(scores, ScalarType.Float32) || scores.dim() != 2 || scores.shape[1] == 0
            || (skipRows is not null && !HostTensors.IsHost(skipRows, ScalarType.Bool)))
            return scores.argmax(1);
        long rows = scores.shape[0], columns = scores.shape[1];
        var result = zeros(rows, dtype: ScalarType.Int64);
        using var scope = NewDisposeScope();   // storage<T>() wraps new handles
        unsafe
        {
            float* first = HostTensors.Pointer<float>(scores);
            long* output = HostTensors.Pointer<long>(result);
            bool* skip = skipRows is null ? null : HostTensors.Pointer<bool>(skipRows);
            Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) }, r =>
            {
                if (skip is null || !skip[r]) output[r] = RowArgMax(new ReadOnlySpan<float>(first + r * columns, checked((int)columns)));
            });
        }
        return result;
    }

    private static long RowArgMax(ReadOnlySpan<float> row)
    {
        int width = Vector<float>.Count, k = 0;
        var maximum = new Vector<float>(float.NegativeInfinity);
        var ordered = Vector<int>.AllBitsSet;   // lanes that saw no NaN
        for (; k + width <= row.Length; k += width)
        {
            var v = new Vector<float>(row[k..]);
            ordered &= Vector.Equals(v, v);
            maximum = Vector.Max(maximum, v);
        }
        float best = float.NegativeInfinity;
        bool sawNaN = ordered != Vector<int>.AllBitsSet;
        for (int lane = 0; lane < width; lane++) best = Math.Max(best, maximum[lane]);
        for (int j = k; j < row.Length; j++) { sawNaN |= float.IsNaN(row[j]); if (row[j] > best) best = row[j]; }
        if (sawNaN)
            for (int j = 0; j < row.Length; j++)
                if (float.IsNaN(row[j])) return j;

        var target = new Vector<float>(best);
        for (k = 0; k + width <= row.Length; k += width)
        {
            var equal = Vector.Equals(new Vector<float>(row[k..]), target);
            if (equal != Vector<int>.Zero)
                for (int lane = 0; lane < width; lane++)
                    if (equal[lane] != 0) return k + lane;
        }
        for (; k < row.Length; k++) if (row[k] == best) return k;
        throw new InvariantException("A row's maximum was not found in the row.");
    }
}
