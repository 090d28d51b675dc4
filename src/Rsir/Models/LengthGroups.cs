namespace Rsir.Models;

/// <summary>
/// Batches of sequences cut into groups of similar length, each padded only to its own longest, so that short
/// sequences do not pay for the longest one in the batch.
/// </summary>
public static class LengthGroups
{
    /// <summary>Fixed cost of one extra group, in padded positions (a default the trainer lets you change).</summary>
    public const int DefaultGroupCost = 512;

    /// <summary>
    /// Splits ascending lengths into contiguous groups minimising Σ (rows × longest length) + groupCost × groups.
    /// </summary>
    public static List<(int From, int To)> Boundaries(int[] ascendingLengths, int groupCost = DefaultGroupCost)
    {
        int n = ascendingLengths.Length;
        var best = new long[n + 1];
        var cut = new int[n + 1];
        for (int end = 1; end <= n; end++)
        {
            best[end] = long.MaxValue;
            for (int begin = 0; begin < end; begin++)
            {
                long cost = best[begin] + (long)(end - begin) * ascendingLengths[end - 1] + groupCost;
                if (cost < best[end]) { best[end] = cost; cut[end] = begin; }
            }
        }
        var bounds = new List<(int, int)>();
        for (int end = n; end > 0; end = cut[end]) bounds.Add((cut[end], end));
        bounds.Reverse();
        return bounds;
    }
}
