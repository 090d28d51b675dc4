using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>
/// Exact uniform sampling, with replacement, from the items that are neither padding nor in the row's input sequence,
/// done on the device without rejection. With the row's distinct input items sorted, u_0 &lt; u_1 &lt; …, the r-th
/// allowed id (r = 0, 1, …) is r + 1 + #{ j : u_j − j ≤ r + 1 }, a single batched searchsorted.
/// </summary>
public static class NegativeSampler
{
    /// <summary>The sorted offsets u_j − j for one row's input items.</summary>
    public static long[] ExclusionOffsets(ReadOnlySpan<int> input)
    {
        var distinct = new SortedSet<int>();
        foreach (int item in input) distinct.Add(item);
        var offsets = new long[distinct.Count];
        int j = 0;
        foreach (int item in distinct) { offsets[j] = item - j; j++; }
        return offsets;
    }

    /// <summary>Rows of offsets padded to equal width with a value above every id, and each row's allowed count.</summary>
    public static (long[] Offsets, float[] Allowed) Pack(long[][] rows, int itemCount)
    {
        int width = Math.Max(1, rows.Max(r => r.Length));
        var offsets = new long[rows.Length * width];
        Array.Fill(offsets, long.MaxValue / 4);
        var allowed = new float[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r].CopyTo(offsets, r * width);
            allowed[r] = itemCount - rows[r].Length;
            if (allowed[r] < 1)
                throw new InvalidOperationException($"A training row uses all {itemCount} items; no negative can be drawn.");
        }
        return (offsets, allowed);
    }

    /// <summary>(positions, count) negative ids for positions whose rows are <paramref name="rowOfPosition"/>.</summary>
    public static Tensor Sample(Tensor excludedOffsets, Tensor allowedCounts, Tensor rowOfPosition, int count, DeviceRandom random)
    {
        long positions = rowOfPosition.shape[0];
        var allowed = allowedCounts.index_select(0, rowOfPosition).unsqueeze(1);
        var draw = random.Uniform(new[] { positions, (long)count });
        var r = draw.mul_(allowed).floor_().minimum(allowed - 1).to(ScalarType.Int64).add_(1);   // r + 1 in 1..allowed
        var offsets = excludedOffsets.index_select(0, rowOfPosition);
        return r.add_(searchsorted(offsets, r, right: true));
    }
}
