using Rsir.Data;
using Rsir.Generation;
using Rsir.Models;

namespace Rsir.Tests.Generation;

/// <summary>
/// A plain, one-sequence-at-a-time transcription of the released code's generation algorithm (the pseudo-code at the top of
/// <see cref="SyntheticSequenceGenerator"/>), with scalar loops and the
/// rank computed straight from its definition for every unused real item (no max trick). The random values come from
/// outside (<see cref="Draws"/>) so a test can feed it exactly the draws the batched generator used.
/// </summary>
internal static class ReferenceGenerator
{
    /// <summary>The random values: the pool draw u and pick draw v of (seed row, copy, step), and the prefix length.</summary>
    public sealed record Draws(
        Func<int, int, int, double> PoolDraw,
        Func<int, int, int, double> PickDraw,
        Func<int, int, int> PrefixLength);

    public sealed record Sequence(int SeedRow, int Copy, int[] Items, StopReason Stop);

    /// <summary>Every tried sequence (before the length filter and deduplication), in (seed row, copy) order.</summary>
    public static List<Sequence> Generate(SequentialRecommender model, IReadOnlyList<TrainingRow> seedRows, GenerationOptions options, Draws draws)
    {
        var result = new List<Sequence>();
        for (int row = 0; row < seedRows.Count; row++)
        {
            int[] x = seedRows[row].Items[..^1];
            var R = x.ToHashSet();
            for (int copy = 0; copy < options.M; copy++)
            {
                int prefixLength = options.Prefix == PrefixPolicy.FirstItem ? 1 : draws.PrefixLength(row, copy);
                var g = x.Take(prefixLength).ToList();
                StopReason stop;
                for (int step = 1; ; step++)
                {
                    if (g.Count >= options.MaxLength) { stop = StopReason.ReachedMaxLength; break; }          // T4

                    var unusedReal = R.Where(r => !g.Contains(r)).ToList();
                    if (unusedReal.Count == 0) { stop = StopReason.AllRealItemsUsed; break; }                  // T1

                    float[] s = GenerationTestKit.Scores(model, g);
                    bool someRealItemWithinTau = false;
                    foreach (int r in unusedReal)
                    {
                        int higher = 0;
                        for (int j = 0; j < s.Length; j++) if (s[j] > s[r]) higher++;
                        if (1 + higher <= options.Tau) someRealItemWithinTau = true;
                    }
                    if (!someRealItemWithinTau)                                                                 // T2
                    {
                        if (options.OnJudgeFailure == JudgeFailurePolicy.RollBack && g.Count > prefixLength) g.RemoveAt(g.Count - 1);
                        stop = StopReason.JudgeFailed;
                        break;
                    }

                    var sMasked = (double[])Array.ConvertAll(s, v => (double)v);
                    foreach (int used in g) sMasked[used] = double.NegativeInfinity;

                    IEnumerable<int> pool = draws.PoolDraw(row, copy, step) < options.P
                        ? R
                        : Enumerable.Range(1, s.Length - 1);
                    var candidates = pool.Where(i => !double.IsNegativeInfinity(sMasked[i]))
                        .OrderByDescending(i => sMasked[i]).ThenBy(i => i).ToList();
                    if (candidates.Count == 0) { stop = StopReason.PoolEmpty; break; }                         // T3

                    g.Add(options.Decoding == Decoding.Greedy
                        ? candidates[0]
                        : SampleTopK(candidates, sMasked, options, draws.PickDraw(row, copy, step)));
                }
                result.Add(new Sequence(row, copy, g.ToArray(), stop));
            }
        }
        return result;
    }

    /// <summary>The pool's K best by score; P(i) ∝ exp(s_i / T); the first whose cumulative probability exceeds v · total.</summary>
    private static int SampleTopK(List<int> candidatesBestFirst, double[] scores, GenerationOptions options, double v)
    {
        var top = candidatesBestFirst.Take(options.K).ToList();
        double max = top.Max(i => scores[i] / options.Temperature);
        var weights = top.Select(i => Math.Exp(scores[i] / options.Temperature - max)).ToArray();
        double total = weights.Sum();
        double threshold = v * 1.0, cumulative = 0;
        for (int j = 0; j < top.Count; j++)
        {
            cumulative += weights[j] / total;
            if (cumulative > threshold) return top[j];
        }
        return top[^1];
    }

    /// <summary>The generator's post-processing: keep |g| ≥ MinLength, then first occurrence of each sequence.</summary>
    public static List<Sequence> KeepAndDeduplicate(IEnumerable<Sequence> tried, int minLength)
    {
        var seen = new HashSet<string>();
        return tried.Where(s => s.Items.Length >= minLength).Where(s => seen.Add(string.Join(",", s.Items))).ToList();
    }
}
