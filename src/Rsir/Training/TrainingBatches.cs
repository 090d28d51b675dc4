using Rsir.Data;
using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>
/// Rows of similar length, padded only to their own longest input. <see cref="Positions"/> are the real
/// (non-padding) positions in row-major order: <see cref="PositionIndex"/> points into the flattened (rows × length)
/// hidden states, <see cref="Targets"/> holds each position's next item and <see cref="RowOfPosition"/> its row.
/// </summary>
public sealed record LengthGroup(Tensor Inputs, Tensor PositionIndex, Tensor Targets, Tensor RowOfPosition,
    Tensor ExcludedOffsets, Tensor AllowedCounts, int Positions);

/// <summary>One optimiser step: a shuffled batch of rows, split into length groups.</summary>
public sealed record TrainingStep(IReadOnlyList<LengthGroup> Groups, IReadOnlyList<int[]> Inputs, int Positions);

/// <summary>
/// Builds an epoch of training steps: rows shuffled with a seeded generator, cut into batches of BatchSize, each batch
/// split into contiguous length groups chosen by a small dynamic programme that trades padding against the fixed cost
/// of a group. The loss over a step's groups is the same quantity as over one padded batch.
/// </summary>
public static class TrainingBatches
{
    /// <summary>The epoch's batches as host sequences; turn each into tensors with <see cref="Step"/> inside the
    /// caller's dispose scope.</summary>
    public static IEnumerable<int[][]> Epoch(IReadOnlyList<TrainingRow> rows, int batchSize, int maxLength, Random random)
    {
        var order = Enumerable.Range(0, rows.Count).ToArray();
        random.Shuffle(order);
        for (int start = 0; start < order.Length; start += batchSize)
            yield return order.Skip(start).Take(batchSize).Select(i => Input(rows[i], maxLength)).ToArray();
    }

    /// <summary>A row's input and targets, keeping the last maxLength positions of very long rows.</summary>
    internal static int[] Input(TrainingRow row, int maxLength) =>
        row.Items.Length - 1 > maxLength ? row.Items[^(maxLength + 1)..] : row.Items;

    /// <summary>One step from sequences whose model input is seq[..^1] and targets seq[1..].</summary>
    public static TrainingStep Step(IReadOnlyList<int[]> sequences, int itemCount, int groupCost, Device device)
    {
        var byLength = sequences.OrderBy(s => s.Length).ToArray();
        var groups = new List<LengthGroup>();
        int positions = 0;
        foreach (var (from, to) in LengthGroups.Boundaries(byLength.Select(s => s.Length - 1).ToArray(), groupCost))
        {
            var group = Group(byLength[from..to], itemCount, device);
            positions += group.Positions;
            groups.Add(group);
        }
        return new TrainingStep(groups, sequences.Select(s => s[..^1]).ToArray(), positions);
    }

    private static LengthGroup Group(int[][] sequences, int itemCount, Device device)
    {
        int rows = sequences.Length;
        int length = sequences.Max(s => s.Length) - 1;
        var inputs = new long[rows * length];
        var positionIndex = new List<long>();
        var targets = new List<long>();
        var rowOfPosition = new List<long>();
        var excluded = new long[rows][];
        for (int r = 0; r < rows; r++)
        {
            var s = sequences[r];
            for (int t = 0; t < s.Length - 1; t++)
            {
                if (s[t] < 1 || s[t] > itemCount || s[t + 1] < 1 || s[t + 1] > itemCount)
                    throw new ArgumentOutOfRangeException(nameof(sequences), $"Training row holds an item id outside 1..{itemCount}.");
                inputs[r * length + t] = s[t];
                positionIndex.Add(r * length + t);
                targets.Add(s[t + 1]);
                rowOfPosition.Add(r);
            }
            excluded[r] = NegativeSampler.ExclusionOffsets(s.AsSpan(0, s.Length - 1));
        }
        var (offsets, allowed) = NegativeSampler.Pack(excluded, itemCount);
        return new LengthGroup(
            tensor(inputs, new long[] { rows, length }, device: device),
            tensor(positionIndex.ToArray(), device: device),
            tensor(targets.ToArray(), device: device),
            tensor(rowOfPosition.ToArray(), device: device),
            tensor(offsets, new long[] { rows, offsets.Length / rows }, device: device),
            tensor(allowed, device: device),
            targets.Count);
    }
}
