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
/// Sequences (B, MaxLength) post-padded, Lengths (B), RealItems = R and UsedItems = set(g) as (B, V) masks.
/// </summary>
internal sealed class GenerationChunk
{
    public required Device Device { get; init; }
    public required int Slots { get; init; }
    public required Tensor Sequences { get; init; }
    public required Tensor Lengths { get; init; }
    public required Tensor PrefixLengths { get; init; }
    public required Tensor RealItems { get; init; }
    public required Tensor UsedItems { get; init; }
    public required Tensor NotPad { get; init; }
    public required Tensor Alive { get; init; }
    public required Tensor StopReasons { get; init; }

    public static GenerationChunk Start(IReadOnlyList<TrainingRow> seedRows, int first, int count, GenerationOptions options,
        int vocabulary, DeviceRandom random, Device device)
    {
        int m = options.M, slots = count * m;
        var inputs = Enumerable.Range(first, count).Select(i => seedRows[i].Items[..^1]).ToArray();
        int width = inputs.Max(x => x.Length);
        var padded = new long[count * width];
        for (int r = 0; r < count; r++)
            for (int t = 0; t < inputs[r].Length; t++) padded[r * width + t] = inputs[r][t];
        var inputItems = tensor(padded, new long[] { count, width }, device: device).repeat_interleave(m, dim: 0);
        var inputLengths = tensor(inputs.Select(x => (long)x.Length).ToArray(), device: device).repeat_interleave(m, dim: 0);
        var slotRows = arange(slots, dtype: ScalarType.Int64, device: device).unsqueeze(1);

        // R = set(x), PAD excluded.
        var real = zeros(slots, vocabulary, dtype: ScalarType.Bool, device: device);
        real.index_put_(true, slotRows, inputItems);
        real.narrow(1, 0, 1).fill_(false);

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

        var used = zeros(slots, vocabulary, dtype: ScalarType.Bool, device: device);
        used.index_put_(true, slotRows, sequences);
        used.narrow(1, 0, 1).fill_(false);

        return new GenerationChunk
        {
            Device = device,
            Slots = slots,
            Sequences = sequences,
            Lengths = prefixLengths.clone(),
            PrefixLengths = prefixLengths,
            RealItems = real,
            UsedItems = used,
            NotPad = arange(vocabulary, dtype: ScalarType.Int64, device: device).ne(0).unsqueeze(0),
            Alive = ones(slots, dtype: ScalarType.Bool, device: device),
            StopReasons = zeros(slots, dtype: ScalarType.Int64, device: device),
        };
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

    /// <summary>g.append(item) for each (slot, item) pair.</summary>
    public void Append(Tensor slots, Tensor items)
    {
        if (slots.shape[0] == 0) return;
        var positions = Lengths.index_select(0, slots);
        Sequences.index_put_(items, slots, positions);
        UsedItems.index_put_(true, slots, items);
        Lengths.index_put_(positions.add(1), slots);
    }

    /// <summary>Drops the last item of each given sequence that has one beyond its prefix (judge RollBack).</summary>
    public void RemoveLastGeneratedItem(Tensor slots)
    {
        if (slots.shape[0] == 0) return;
        var generated = slots.masked_select(Lengths.index_select(0, slots).gt(PrefixLengths.index_select(0, slots)));
        if (generated.shape[0] == 0) return;
        var last = Lengths.index_select(0, generated).sub(1);
        var items = Sequences.index_select(0, generated).gather(1, last.unsqueeze(1)).squeeze(1);
        UsedItems.index_put_(false, generated, items);
        Sequences.index_put_(0L, generated, last);
        Lengths.index_put_(last, generated);
    }

    /// <summary>Copies the finished sequences to the host.</summary>
    public IEnumerable<TriedSequence> Finish(IReadOnlyList<TrainingRow> seedRows, int first, int m)
    {
        var fromHistory = RealItems.gather(1, Sequences).sum(1, type: ScalarType.Int64).cpu().data<long>().ToArray();
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
            result[b] = new TriedSequence(row, seedRows[row].User, b % m, items, (StopReason)reasons[b],
                (int)prefixLengths[b], (int)fromHistory[b]);
        }
        return result;
    }
}
