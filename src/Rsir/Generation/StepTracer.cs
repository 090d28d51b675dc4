using Rsir.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Generation;

/// <summary>What a step computed, for the tracer; tensors are over live rows except the draws (over all slots).</summary>
internal sealed record StepOutcome(Tensor Live, Tensor PoolDraws, Tensor? PickDraws, JudgeVerdict Verdict,
    Tensor FromOwnHistory, Tensor Extends, Tensor Next);

/// <summary>Copies the traced sequences' state to the host around each step and reports it.</summary>
internal sealed class StepTracer
{
    private readonly GenerationTrace trace;
    private readonly long[] slots;
    private readonly int[] seedRows, sourceUsers, copies;
    private readonly GenerationOptions options;

    private StepTracer(GenerationTrace trace, long[] slots, int[] seedRows, int[] sourceUsers, int[] copies, GenerationOptions options)
    {
        this.trace = trace; this.slots = slots; this.seedRows = seedRows; this.sourceUsers = sourceUsers;
        this.copies = copies; this.options = options;
    }

    public static StepTracer? Create(GenerationTrace trace, IReadOnlyList<TrainingRow> rows, int first, int count, GenerationOptions options)
    {
        var traced = Enumerable.Range(first, count).Where(i => trace.TracesSourceUser(rows[i].User))
            .SelectMany(i => Enumerable.Range(0, options.M).Select(copy => (Row: i, Copy: copy))).ToArray();
        if (traced.Length == 0) return null;
        return new StepTracer(trace, traced.Select(t => (long)((t.Row - first) * options.M + t.Copy)).ToArray(),
            traced.Select(t => t.Row).ToArray(), traced.Select(t => rows[t.Row].User).ToArray(),
            traced.Select(t => t.Copy).ToArray(), options);
    }

    public sealed record Before(bool[] Alive, int[][] Context, long[] UnusedReal);

    public Before Capture(GenerationChunk chunk)
    {
        var index = tensor(slots, device: chunk.Device);
        var alive = chunk.Alive.index_select(0, index).cpu().data<bool>().ToArray();
        var lengths = chunk.Lengths.index_select(0, index).cpu().data<long>().ToArray();
        var sequences = chunk.Sequences.index_select(0, index).cpu().data<long>().ToArray();
        var unusedReal = chunk.UnusedRealCount().index_select(0, index).cpu().data<long>().ToArray();
        int width = (int)chunk.Sequences.shape[1];
        var context = slots.Select((_, i) => Enumerable.Range(0, (int)lengths[i])
            .Select(t => (int)sequences[i * width + t]).ToArray()).ToArray();
        return new Before(alive, context, unusedReal);
    }

    public void Report(Before? before, GenerationChunk chunk, StepOutcome? outcome, int step)
    {
        if (before is null) return;
        var index = tensor(slots, device: chunk.Device);
        var lengthsAfter = chunk.Lengths.index_select(0, index).cpu().data<long>().ToArray();
        var aliveAfter = chunk.Alive.index_select(0, index).cpu().data<bool>().ToArray();
        var reasons = chunk.StopReasons.index_select(0, index).cpu().data<long>().ToArray();
        long[]? rank = null, passed = null, own = null, picked = null;
        double[]? poolDraws = null, pickDraws = null;
        if (outcome is not null)
        {
            Tensor Spread(Tensor liveValues) => full(chunk.Slots, -1L, dtype: ScalarType.Int64, device: chunk.Device)
                .index_copy(0, outcome.Live, liveValues.to(ScalarType.Int64)).index_select(0, index);
            rank = Spread(outcome.Verdict.BestUnusedRealRank).cpu().data<long>().ToArray();
            passed = Spread(outcome.Verdict.Passed).cpu().data<long>().ToArray();
            own = Spread(outcome.FromOwnHistory).cpu().data<long>().ToArray();
            picked = Spread(where(outcome.Extends, outcome.Next, -1L)).cpu().data<long>().ToArray();
            poolDraws = outcome.PoolDraws.index_select(0, index).cpu().data<double>().ToArray();
            pickDraws = outcome.PickDraws?.index_select(0, index).cpu().data<double>().ToArray();
        }
        for (int i = 0; i < slots.Length; i++)
        {
            if (!before.Alive[i]) continue;
            bool judged = rank is not null && rank[i] > 0;
            bool didPass = judged && passed![i] == 1;
            StopReason? stop = aliveAfter[i] ? null : (StopReason)reasons[i];
            int? rolledBack = stop == StopReason.JudgeFailed && lengthsAfter[i] < before.Context[i].Length
                ? before.Context[i][^1] : null;
            trace.OnStep(new GenerationStep(seedRows[i], sourceUsers[i], copies[i], step, before.Context[i],
                (int)before.UnusedReal[i],
                BestUnusedRealRank: judged ? rank![i] : null,
                Tau: options.Tau,
                Passed: judged ? didPass : null,
                PoolDraw: didPass ? poolDraws![i] : null,
                Pool: didPass ? (own![i] == 1 ? CandidatePool.OwnHistory : CandidatePool.Catalogue) : null,
                PickDraw: didPass && pickDraws is not null ? pickDraws[i] : null,
                Picked: didPass && picked![i] >= 0 ? (int)picked[i] : null,
                RolledBack: rolledBack,
                Stop: stop));
        }
    }
}
