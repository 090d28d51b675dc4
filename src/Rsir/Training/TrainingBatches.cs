using Rsir.Data;
using Rsir.Models;
using Rsir.Runtime;
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
    /// <summary>The epoch's batches as row indices (shuffled); turn each into tensors with <see cref="TrainingSteps.Step"/>
    /// inside the caller's dispose scope.</summary>
    public static IEnumerable<int[]> Epoch(int rowCount, int batchSize, Random random)
    {
        var order = Enumerable.Range(0, rowCount).ToArray();
        random.Shuffle(order);
        for (int start = 0; start < order.Length; start += batchSize)
            yield return order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
    }

    /// <summary>A row's input and targets, keeping the last maxLength positions of very long rows.</summary>
    public static int[] Input(TrainingRow row, int maxLength) =>
        row.Items.Length - 1 > maxLength ? row.Items[^(maxLength + 1)..] : row.Items;

    /// <summary>One step from sequences whose model input is seq[..^1] and targets seq[1..]: sorted by length and cut
    /// into length groups, or (<paramref name="lengthGroups"/> false) one padded group in the given order.</summary>
    public static TrainingStep Step(IReadOnlyList<int[]> sequences, int itemCount, int groupCost, Device device, bool lengthGroups = true)
    {
        var byLength = lengthGroups ? sequences.OrderBy(s => s.Length).ToArray() : sequences.ToArray();
        var boundaries = lengthGroups ? LengthGroups.Boundaries(byLength.Select(s => s.Length - 1).ToArray(), groupCost) : [(0, byLength.Length)];
        var groups = new List<LengthGroup>();
        int positions = 0;
        foreach (var (from, to) in boundaries)
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

/// <summary>
/// A run's training rows, ready to become steps in one of two equivalent ways (<see cref="ExecutionPaths.HostLengthGroups"/>):
/// length groups built on the host for each batch (the CPU path), or the rows uploaded to the device once and each batch
/// gathered there as one padded group (the accelerator path: nothing crosses the bus per step but the batch's indices).
/// </summary>
public sealed class TrainingSteps : IDisposable
{
    private readonly int[][] sequences;
    private readonly int itemCount, groupCost;
    private readonly Device device;
    private readonly DeviceTrainingRows? onDevice;

    public TrainingSteps(IReadOnlyList<TrainingRow> rows, int itemCount, int maxLength, int groupCost, ExecutionPaths paths, Device device)
    {
        sequences = rows.Select(r => TrainingBatches.Input(r, maxLength)).ToArray();
        this.itemCount = itemCount;
        this.groupCost = groupCost;
        this.device = device;
        if (!paths.HostLengthGroups && sequences.Length > 0) onDevice = new DeviceTrainingRows(sequences, itemCount, device);
    }

    public int Count => sequences.Length;

    /// <summary>The step for rows <paramref name="batch"/> (indices into the training rows).</summary>
    public TrainingStep Step(int[] batch)
    {
        var batchSequences = batch.Select(i => sequences[i]).ToArray();
        return onDevice is null
            ? TrainingBatches.Step(batchSequences, itemCount, groupCost, device)
            : onDevice.Step(batch, batchSequences);
    }

    public void Dispose() => onDevice?.Dispose();
}

/// <summary>
/// Training rows on the device: (N, W) post-padded sequences (a row's input is seq[..^1], its targets seq[1..]), their
/// lengths, and each row's negative-sampling exclusion offsets (<see cref="NegativeSampler"/>).
/// </summary>
internal sealed class DeviceTrainingRows : IDisposable
{
    private readonly Tensor sequences, lengths, offsets, allowed;

    public DeviceTrainingRows(int[][] rows, int itemCount, Device device)
    {
        int width = rows.Max(r => r.Length);
        var ids = new long[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
        {
            var s = rows[r];
            for (int t = 0; t < s.Length; t++)
            {
                if (s[t] < 1 || s[t] > itemCount)
                    throw new ArgumentOutOfRangeException(nameof(rows), $"Training row holds an item id outside 1..{itemCount}.");
                ids[r * width + t] = s[t];
            }
        }
        var (packed, allowedCounts) = NegativeSampler.Pack(rows.Select(s => NegativeSampler.ExclusionOffsets(s.AsSpan(0, s.Length - 1))).ToArray(), itemCount);
        using var scope = NewDisposeScope();
        sequences = tensor(ids, new long[] { rows.Length, width }, device: device).DetachFromDisposeScope();
        lengths = tensor(rows.Select(r => (long)r.Length).ToArray(), device: device).DetachFromDisposeScope();
        offsets = tensor(packed, new long[] { rows.Length, packed.Length / rows.Length }, device: device).DetachFromDisposeScope();
        allowed = tensor(allowedCounts, device: device).DetachFromDisposeScope();
    }

    /// <summary>One padded group of the batch's rows, in batch order; positions at or past a row's last input are padding.</summary>
    public TrainingStep Step(int[] batch, IReadOnlyList<int[]> batchSequences)
    {
        var index = tensor(batch.Select(i => (long)i).ToArray(), device: sequences.device);
        int width = batchSequences.Max(s => s.Length);
        var rows = sequences.index_select(0, index).narrow(1, 0, width);
        var rowLengths = lengths.index_select(0, index).unsqueeze(1);
        var positions = arange(width - 1, dtype: ScalarType.Int64, device: sequences.device).unsqueeze(0);
        var real = positions.lt(rowLengths - 1);                                   // (B, W − 1): input t has a target t + 1
        var inputs = rows.narrow(1, 0, width - 1).masked_fill(real.logical_not(), 0);
        var positionIndex = real.flatten().nonzero().squeeze(1);
        var targets = rows.narrow(1, 1, width - 1).flatten().index_select(0, positionIndex);
        var rowOfPosition = positionIndex.div(width - 1, rounding_mode: RoundingMode.floor);
        var group = new LengthGroup(inputs, positionIndex, targets, rowOfPosition,
            offsets.index_select(0, index), allowed.index_select(0, index), (int)positionIndex.shape[0]);
        return new TrainingStep(new[] { group }, batchSequences.Select(s => s[..^1]).ToArray(), group.Positions);
    }

    public void Dispose()
    {
        sequences.Dispose(); lengths.Dispose(); offsets.Dispose(); allowed.Dispose();
    }
}
