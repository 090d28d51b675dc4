using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Generation;

/// <summary>How the next item is picked from the chosen pool's scores (−∞ outside the pool).</summary>
internal static class PoolDecoding
{
    /// <summary>
    /// Greedy: the pool's best item (lowest id on ties). TopK: the pool's k best items sorted by score,
    /// probabilities softmax(score / T), and the first item whose cumulative probability exceeds draw × total.
    /// <paramref name="poolScores"/> is −∞ outside the pool.
    /// </summary>
    public static Tensor Pick(GenerationOptions options, Tensor poolScores, Tensor? pickDraws)
    {
        if (options.Decoding == Decoding.Greedy) return poolScores.argmax(1);

        int k = (int)Math.Min(options.K, poolScores.shape[1]);
        var (topScores, topItems) = poolScores.topk(k, dim: 1, largest: true, sorted: true);
        var probabilities = topScores.to(ScalarType.Float64).div(options.Temperature).softmax(1);
        var cumulative = probabilities.cumsum(1);
        var threshold = pickDraws!.mul(cumulative.narrow(1, k - 1, 1).squeeze(1)).unsqueeze(1);
        var lastInPool = topScores.isfinite().sum(1, type: ScalarType.Int64) - 1;
        var choice = cumulative.le(threshold).sum(1, type: ScalarType.Int64).minimum(lastInPool).clamp_min(0);
        return topItems.gather(1, choice.unsqueeze(1)).squeeze(1);
    }
}
