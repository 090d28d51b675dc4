using Rsir.Data;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Generation;

/// <summary>A sequence as the chunk left it, before the round keeps or drops it.</summary>
internal sealed record TriedSequence(int SeedRow, int SourceUser, int Copy, int[] Items, StopReason StopReason,
    int PrefixLength, int ItemsFromHistory);

/// <summary>
/// The state of a chunk of sequences on the device: slot b holds copy b mod M of seed row first + b / M.
/// Sequences (B, MaxLength) post-padded and Lengths (B); the user's real items R as RealIds (B, W), each row's distinct
/// ids ascending and padded with 0, with UnusedReal (B, W) true where the id is not yet in g; UsedCount = |set(g)|.
/// A step reads these for its live rows only, and never needs a (B, V) mask: g's items are the row of Sequences.
/// </summary>
internal sealed class GenerationChunk
{
    public required Device Device { get; init; }
    public required int Slots { get; init; }
    public required Tensor Sequences { get; init; }
    public required Tensor Lengths { get; init; }
    public required Tensor PrefixLengths { get; init; }
    public required Tensor RealIds { get; init; }
    /// <summary>RealIds per seed row of the chunk, on the host.</summary>
    public required int[][] RealIdsOnHost { get; init; }
    public required Tensor UnusedReal { get; init; }
    /// <summary>|set(g)| per slot, PAD excluded (int64).</summary>
    public required Tensor UsedCount { get; init; }
    public required Tensor Alive { get; init; }
    public required Tensor StopReasons { get; init; }

    /// <summary>|R \ g| per slot (int64).</summary>
    public Tensor UnusedRealCount() => UnusedReal.sum(1, type: ScalarType.Int64);

    public static GenerationChunk Start(IReadOnlyList<TrainingRow> seedRows, int first, int count, GenerationOptions options,
        DeviceRandom random, Device device)
    {
        int m = options.M, slots = count * m;
        var inputs = Enumerable.Range(first, count).Select(i => seedRows[i].Items[..^1]).ToArray();
        var inputItems = Padded(inputs, device).repeat_interleave(m, dim: 0);
        int width = (int)inputItems.shape[1];
        var inputLengths = tensor(inputs.Select(x => (long)x.Length).ToArray(), device: device).repeat_interleave(m, dim: 0);
        // R = set(x), PAD excluded.
        var realRows = inputs.Select(x => x.Distinct().Order().ToArray()).ToArray();

        // The prefix: x[0] (FirstItem) or x[:ℓ] with ℓ = 1 + ⌊u · max(1, |x| − 1)⌋ (RandomPrefix), at most MaxLength.
        var prefixLengths = options.Prefix == PrefixPolicy.FirstItem
            ? ones(slots, dtype: ScalarType.Int64, device: device)
            : random.Uniform(new long[] { slots }, ScalarType.Float64)
                .mul(inputLengths.sub(1).clamp_min(1)).floor().to(ScalarType.Int64).add(1);
        prefixLengths = prefixLengths.clamp_max(options.MaxLength);

        var sequences = zeros(slots, options.MaxLength, dtype: ScalarType.Int64, device: device);
        int copied = Math.Min(width, options.MaxLength);
        var positions = arange(copied, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        sequences.narrow(1, 0, copied).copy_(inputItems.narrow(1, 0, copied).masked_fill(positions.ge(prefixLengths.unsqueeze(1)), 0));

        var (realIds, unusedReal, usedCount) = UsedByPrefix(inputs, realRows, prefixLengths.cpu().data<long>().ToArray(), m, device);
        return new GenerationChunk
        {
            Device = device,
            Slots = slots,
            Sequences = sequences,
            Lengths = prefixLengths.clone(),
            PrefixLengths = prefixLengths,
            RealIds = realIds,
            RealIdsOnHost = realRows,
            UnusedReal = unusedReal,
            UsedCount = usedCount,
            Alive = ones(slots, dtype: ScalarType.Bool, device: device),
            StopReasons = zeros(slots, dtype: ScalarType.Int64, device: device),
        };
    }

    /// <summary>Each slot's real ids (B, W), which of them its prefix leaves unused, and |set(prefix)|.</summary>
    private static (Tensor RealIds, Tensor UnusedReal, Tensor UsedCount) UsedByPrefix(int[][] inputs, int[][] realRows,
        long[] prefixLengths, int m, Device device)
    {
        int slots = prefixLengths.Length, width = Math.Max(1, realRows.Max(r => r.Length));
        var ids = new long[slots * width];
        var unused = new bool[slots * width];
        var usedCount = new long[slots];
        for (int b = 0; b < slots; b++)
        {
            int row = b / m;
            var prefix = new HashSet<int>(inputs[row].Take((int)prefixLengths[b]));
            usedCount[b] = prefix.Count;
            for (int j = 0; j < realRows[row].Length; j++)
            {
                ids[b * width + j] = realRows[row][j];
                unused[b * width + j] = !prefix.Contains(realRows[row][j]);
            }
        }
        var shape = new long[] { slots, width };
        return (tensor(ids, shape, device: device), tensor(unused, shape, device: device), tensor(usedCount, device: device));
    }

    /// <summary>Rows of ids post-padded with 0 into a (rows, longest) int64 tensor.</summary>
    private static Tensor Padded(int[][] rows, Device device)
    {
        int width = Math.Max(1, rows.Max(x => x.Length));
        var padded = new long[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < rows[r].Length; t++) padded[r * width + t] = rows[r][t];
        return tensor(padded, new long[] { rows.Length, width }, device: device);
    }

    /// <summary>Stops the sequences where <paramref name="mask"/> (B) is true; callers include Alive in the mask.</summary>
    public void StopWhere(Tensor mask, StopReason reason)
    {
        StopReasons.masked_fill_(mask, (long)reason);
        Alive.masked_fill_(mask, false);
    }

    /// <summary>Stops the sequences in slots <paramref name="slots"/>.</summary>
    public void Stop(Tensor slots, StopReason reason)
    {
        if (slots.shape[0] == 0) return;
        StopReasons.index_put_((long)reason, slots);
        Alive.index_put_(false, slots);
    }

    /// <summary>g.append(item) for each (slot, item) pair; the items are outside g (every pool excludes g).</summary>
    public void Append(Tensor slots, Tensor items)
    {
        if (slots.shape[0] == 0) return;
        var positions = Lengths.index_select(0, slots);
        Sequences.index_put_(items, slots, positions);
        Lengths.index_put_(positions.add(1), slots);
        UsedCount.index_put_(UsedCount.index_select(0, slots).add(1), slots);
        var stillUnused = UnusedReal.index_select(0, slots).logical_and(RealIds.index_select(0, slots).ne(items.unsqueeze(1)));
        UnusedReal.index_put_(stillUnused, slots);
    }

    /// <summary>Drops the last item of each given sequence that has one beyond its prefix (judge RollBack).</summary>
    public void RemoveLastGeneratedItem(Tensor slots)
    {
        if (slots.shape[0] == 0) return;
        var generated = slots.masked_select(Lengths.index_select(0, slots).gt(PrefixLengths.index_select(0, slots)));
        if (generated.shape[0] == 0) return;
        var last = Lengths.index_select(0, generated).sub(1);
        var items = Sequences.index_select(0, generated).gather(1, last.unsqueeze(1)).squeeze(1);
        Sequences.index_put_(0L, generated, last);
        Lengths.index_put_(last, generated);
        UsedCount.index_put_(UsedCount.index_select(0, generated).sub(1), generated);
        var unusedAgain = UnusedReal.index_select(0, generated).logical_or(RealIds.index_select(0, generated).eq(items.unsqueeze(1)));
        UnusedReal.index_put_(unusedAgain, generated);
    }

    /// <summary>Copies the finished sequences to the host.</summary>
    public IEnumerable<TriedSequence> Finish(IReadOnlyList<TrainingRow> seedRows, int first, int m)
    {
        var sequences = Sequences.cpu().data<long>().ToArray();
        var lengths = Lengths.cpu().data<long>().ToArray();
        var prefixLengths = PrefixLengths.cpu().data<long>().ToArray();
        var reasons = StopReasons.cpu().data<long>().ToArray();
        int width = (int)Sequences.shape[1];
        var result = new TriedSequence[Slots];
        for (int b = 0; b < Slots; b++)
        {
            int row = first + b / m;
            var items = new int[lengths[b]];
            for (int t = 0; t < items.Length; t++) items[t] = (int)sequences[b * width + t];
            var real = RealIdsOnHost[b / m];
            int fromHistory = items.Count(item => Array.BinarySearch(real, item) >= 0);
            result[b] = new TriedSequence(row, seedRows[row].User, b % m, items, (StopReason)reasons[b],
                (int)prefixLengths[b], fromHistory);
        }
        return result;
    }
}
