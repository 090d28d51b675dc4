using System.Diagnostics;
using Rsir.Data;
using Rsir.Models;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Generation;

/// <summary>
/// One RSIR generation round: the trained model, fixed and in eval mode, writes synthetic sequences for every seed
/// row of D_k, and the same model, as <see cref="FidelityJudge"/>, stops a sequence once it drifts from the user.
/// <code>
/// for each seed row (R = set of the row's input items):
///     m copies, each g = prefix of the row's input          (FirstItem: g = [x0])
///     repeat:
///         |g| = MaxLength                        → stop T4
///         R \ g empty                            → stop T1
///         s = scores of the next item after g    (all ids 0..V−1, unmasked)
///         judge(s, R \ g) fails                  → stop T2   (RollBack: drop g's last generated item)
///         pool = R \ g with probability p, else catalogue \ g (PAD excluded)
///         pool empty                             → stop T3
///         g.append(argmax over pool of s)        (TopK: sample from the pool's k best, softmax(s / T))
/// keep sequences with |g| ≥ MinLength; drop exact duplicates across the round
/// </code>
/// All live sequences of a chunk advance together: one forward per step. Random draws all come from one host
/// <see cref="DeviceRandom"/> stream seeded with <see cref="GenerationOptions.Seed"/> (so the CPU and a GPU draw the
/// same numbers), in this order:
/// per chunk of seed rows (BatchSize / M rows, in seed-row order; sequence slot = row-in-chunk · M + copy),
/// <list type="number">
/// <item>RandomPrefix only: one uniform per slot for the prefix length, ℓ = 1 + ⌊u · max(1, |x| − 1)⌋;</item>
/// <item>then, at every step where some sequence is still live after the T4 and T1 checks: one uniform per slot
/// (stopped slots included, so the layout never depends on who is live) for the pool, own history iff u &lt; p;
/// TopK only: then one uniform per slot for the pick (inverse CDF over the pool's k best).</item>
/// </list>
/// The same seed, model, options and seed rows therefore give the same round.
/// </summary>
public sealed class SyntheticSequenceGenerator
{
    public SyntheticSequenceGenerator(SequentialRecommender model, GenerationOptions? options = null, string? generatorName = null)
    {
        Model = model;
        Options = (options ?? new GenerationOptions()).Validate();
        if (Options.MaxLength > model.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"MaxLength {Options.MaxLength} exceeds the model's maximum sequence length {model.MaxLength}.");
        GeneratorName = generatorName ?? model.GetName();
    }

    public SequentialRecommender Model { get; }
    public GenerationOptions Options { get; }
    /// <summary>Recorded in every synthetic row's <see cref="RowOrigin.Generator"/>.</summary>
    public string GeneratorName { get; }

    /// <summary>
    /// Round <paramref name="round"/> (≥ 1) on D_k: seeds from <see cref="GenerationOptions.SeedRows"/> of
    /// <paramref name="trainingSet"/>, pseudo-users numbered from the first id above every user id in it.
    /// Use <see cref="GenerationRound.AppendTo"/> to form D_{k+1}.
    /// </summary>
    public GenerationRound Generate(Dataset trainingSet, int round, GenerationTrace? trace = null)
    {
        if (trainingSet.ItemCount != Model.ItemCount)
            throw new ArgumentException($"The dataset has {trainingSet.ItemCount} items, the model {Model.ItemCount}.");
        var seedRows = Options.SeedRows == SeedRows.All
            ? trainingSet.TrainRows
            : trainingSet.TrainRows.Where(r => r.Origin.IsReal).ToArray();
        return Generate(seedRows, round, FirstFreeUserId(trainingSet), trace);
    }

    /// <summary>The smallest id above every user id of the dataset's training, validation and test rows.</summary>
    public static int FirstFreeUserId(Dataset dataset) =>
        1 + dataset.TrainRows.Select(r => r.User)
            .Concat(dataset.Validation.Select(r => r.User))
            .Concat(dataset.Test.Select(r => r.User))
            .Append(0).Max();

    /// <summary>One round from explicit seed rows; pseudo-users get ids firstPseudoUser, firstPseudoUser + 1, …</summary>
    public GenerationRound Generate(IReadOnlyList<TrainingRow> seedRows, int round, int firstPseudoUser, GenerationTrace? trace = null)
    {
        if (round < 1) throw new ArgumentOutOfRangeException(nameof(round), $"round must be ≥ 1 (round 0 is the real data); got {round}.");
        ValidateSeedRows(seedRows);
        var clock = Stopwatch.StartNew();
        var device = Model.Device;
        bool wasTraining = Model.training;
        Model.eval();
        using var noGrad = no_grad();
        using var judge = new FidelityJudge(Options.Tau);
        using var random = new DeviceRandom(Options.Seed, device, RandomDraws.OnHost);
        var tried = new List<TriedSequence>(seedRows.Count * Options.M);
        try
        {
            int rowsPerChunk = Options.SeedRowsPerChunk(Model.VocabularySize);
            for (int first = 0; first < seedRows.Count; first += rowsPerChunk)
            {
                int count = Math.Min(rowsPerChunk, seedRows.Count - first);
                tried.AddRange(GenerateChunk(seedRows, first, count, judge, random, device, trace));
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
        return Assemble(tried, seedRows.Count, round, firstPseudoUser, judge.Snapshot(), clock);
    }

    /// <summary>Every copy of seed rows first..first+count−1, generated together until all have stopped.</summary>
    private IEnumerable<TriedSequence> GenerateChunk(IReadOnlyList<TrainingRow> seedRows, int first, int count,
        FidelityJudge judge, DeviceRandom random, Device device, GenerationTrace? trace)
    {
        using var chunkScope = NewDisposeScope();
        var chunk = Chunk.Start(seedRows, first, count, Options, Model.VocabularySize, random, device);
        var tracer = trace is null ? null : StepTracer.Create(trace, seedRows, first, count, Options);
        for (int step = 1; ; step++)
        {
            using var stepScope = NewDisposeScope();
            var before = tracer?.Capture(chunk);
            var outcome = AdvanceOneStep(chunk, step, judge, random);
            tracer?.Report(before, chunk, outcome, step);
            if (outcome is null) break;
        }
        return chunk.Finish(seedRows, first, Options.M);
    }

    /// <summary>
    /// One step for every live sequence of the chunk, in the released code's order: T4, T1, judge (T2), pool (T3),
    /// pick. Returns null when no sequence was live (the chunk is done).
    /// </summary>
    private StepOutcome? AdvanceOneStep(Chunk chunk, int step, FidelityJudge judge, DeviceRandom random)
    {
        // T4: the sequence already has MaxLength items.
        chunk.StopWhere(chunk.Alive.logical_and(chunk.Lengths.ge(Options.MaxLength)), StopReason.ReachedMaxLength);

        // T1: S_tgt = R \ g is empty, every real item is used (skipped by RunToMaxLength).
        var unusedReal = chunk.RealItems.logical_and(chunk.UsedItems.logical_not());
        if (!Options.RunToMaxLength)
            chunk.StopWhere(chunk.Alive.logical_and(unusedReal.any(1).logical_not()), StopReason.AllRealItemsUsed);

        var live = chunk.Alive.nonzero().squeeze(1);
        if (live.shape[0] == 0) return null;
        var poolDraws = random.Uniform(new long[] { chunk.Slots }, ScalarType.Float64);
        var pickDraws = Options.Decoding == Decoding.TopK
            ? random.Uniform(new long[] { chunk.Slots }, ScalarType.Float64)
            : null;

        // The model's scores over all ids 0..V−1 for the next item after each live sequence.
        var scores = ScoreNextItem(chunk, live);
        var liveUnusedReal = unusedReal.index_select(0, live);

        // T2: the fidelity check, on the context that already includes the last appended item.
        var verdict = Options.RunToMaxLength ? JudgeWhereRealItemsRemain(judge, scores, liveUnusedReal, step) : judge.Judge(scores, liveUnusedReal, step);
        var failed = live.masked_select(verdict.Passed.logical_not());
        if (Options.OnJudgeFailure == JudgeFailurePolicy.RollBack) chunk.RemoveLastGeneratedItem(failed);
        chunk.Stop(failed, StopReason.JudgeFailed);

        // The pool: the user's own unused real items with probability p, else every unused catalogue item.
        var fromOwnHistory = poolDraws.index_select(0, live).lt(Options.P);
        if (Options.RunToMaxLength) fromOwnHistory = fromOwnHistory.logical_and(liveUnusedReal.any(1));
        var unusedCatalogue = chunk.UsedItems.index_select(0, live).logical_not().logical_and(chunk.NotPad);
        var pool = where(fromOwnHistory.unsqueeze(1), liveUnusedReal, unusedCatalogue);

        // T3: the chosen pool is empty.
        var poolHasItems = pool.any(1);
        chunk.Stop(live.masked_select(verdict.Passed.logical_and(poolHasItems.logical_not())), StopReason.PoolEmpty);

        // Pick the next item from the pool; items already in g are outside every pool, so nothing repeats.
        var extends = verdict.Passed.logical_and(poolHasItems);
        var next = PickFromPool(scores.masked_fill(pool.logical_not(), double.NegativeInfinity), pickDraws?.index_select(0, live));
        chunk.Append(live.masked_select(extends), next.masked_select(extends));

        return new StepOutcome(live, poolDraws, pickDraws, verdict, fromOwnHistory, extends, next);
    }

    /// <summary>
    /// RunToMaxLength (judge off): rows with unused real items are judged (their ranks recorded); rows without any have
    /// nothing to judge and pass, with rank 0.
    /// </summary>
    private static JudgeVerdict JudgeWhereRealItemsRemain(FidelityJudge judge, Tensor scores, Tensor unusedReal, int step)
    {
        var judgeable = unusedReal.any(1).nonzero().squeeze(1);
        var verdict = judge.Judge(scores.index_select(0, judgeable), unusedReal.index_select(0, judgeable), step);
        var passed = ones(scores.shape[0], dtype: ScalarType.Bool, device: scores.device).index_copy(0, judgeable, verdict.Passed);
        var rank = zeros(scores.shape[0], dtype: ScalarType.Int64, device: scores.device).index_copy(0, judgeable, verdict.BestUnusedRealRank);
        return new JudgeVerdict(passed, rank);
    }

    /// <summary>Raw scores (B', V) of the last position of each live sequence (post-padded, no cache).</summary>
    private Tensor ScoreNextItem(Chunk chunk, Tensor live)
    {
        var lengths = chunk.Lengths.index_select(0, live);
        long longest = lengths.max().item<long>();
        var context = chunk.Sequences.index_select(0, live).narrow(1, 0, longest);
        return Model.ScoreAll(Model.EncodeLast(context, lengths));
    }

    /// <summary>
    /// Greedy: the pool's best item (lowest id on ties). TopK: the pool's k best items sorted by score,
    /// probabilities softmax(score / T), and the first item whose cumulative probability exceeds draw × total.
    /// <paramref name="poolScores"/> is −∞ outside the pool.
    /// </summary>
    private Tensor PickFromPool(Tensor poolScores, Tensor? pickDraws)
    {
        if (Options.Decoding == Decoding.Greedy) return poolScores.argmax(1);

        int k = (int)Math.Min(Options.K, poolScores.shape[1]);
        var (topScores, topItems) = poolScores.topk(k, dim: 1, largest: true, sorted: true);
        var probabilities = topScores.to(ScalarType.Float64).div(Options.Temperature).softmax(1);
        var cumulative = probabilities.cumsum(1);
        var threshold = pickDraws!.mul(cumulative.narrow(1, k - 1, 1).squeeze(1)).unsqueeze(1);
        var lastInPool = topScores.isfinite().sum(1, type: ScalarType.Int64) - 1;
        var choice = cumulative.le(threshold).sum(1, type: ScalarType.Int64).minimum(lastInPool).clamp_min(0);
        return topItems.gather(1, choice.unsqueeze(1)).squeeze(1);
    }

    private GenerationRound Assemble(List<TriedSequence> tried, int seedRowCount, int round, int firstPseudoUser,
        JudgeRecord judgeRecord, Stopwatch clock)
    {
        var longEnough = tried.Where(s => s.Items.Length >= Options.MinLength).ToList();
        var seen = new HashSet<int[]>(SequenceComparer.Instance);
        var kept = new List<SyntheticSequence>();
        foreach (var s in longEnough)
            if (seen.Add(s.Items))
                kept.Add(new SyntheticSequence(firstPseudoUser + kept.Count, round, s.SourceUser, s.SeedRow, s.Copy,
                    GeneratorName, s.Items, s.StopReason, s.PrefixLength, s.ItemsFromHistory));

        var statistics = new RoundStatistics(
            Round: round,
            Generator: GeneratorName,
            SeedRows: seedRowCount,
            SequencesTried: tried.Count,
            SequencesKept: kept.Count,
            DroppedShort: tried.Count - longEnough.Count,
            DuplicatesRemoved: longEnough.Count - kept.Count,
            MeanLength: kept.Count == 0 ? 0 : kept.Average(s => s.Length),
            LengthHistogram: kept.GroupBy(s => s.Length).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            StopReasonsTried: CountReasons(tried.Select(s => s.StopReason)),
            StopReasonsKept: CountReasons(kept.Select(s => s.StopReason)),
            StepsJudged: judgeRecord.StepsJudged,
            StepsPassed: judgeRecord.StepsPassed,
            ItemsFromHistory: kept.Sum(s => (long)s.ItemsFromHistory),
            ItemsNewToUser: kept.Sum(s => (long)s.ItemsNewToUser),
            WallTime: clock.Elapsed);
        return new GenerationRound(round, Options, kept, statistics, judgeRecord);
    }

    private static IReadOnlyDictionary<StopReason, int> CountReasons(IEnumerable<StopReason> reasons)
    {
        var counts = Enum.GetValues<StopReason>().ToDictionary(r => r, _ => 0);
        foreach (var r in reasons) counts[r]++;
        return counts;
    }

    private void ValidateSeedRows(IReadOnlyList<TrainingRow> seedRows)
    {
        foreach (var row in seedRows)
        {
            if (row.Items.Length < 2)
                throw new ArgumentException($"Seed row of user {row.User} has {row.Items.Length} item(s); a training row has at least 2.");
            foreach (int item in row.Items)
                if (item < 1 || item > Model.ItemCount)
                    throw new ArgumentOutOfRangeException(nameof(seedRows), $"Item id {item} of user {row.User}'s row is outside 1..{Model.ItemCount}.");
        }
    }

    /// <summary>What a step computed, for the tracer; tensors are over live rows except the draws (over all slots).</summary>
    private sealed record StepOutcome(Tensor Live, Tensor PoolDraws, Tensor? PickDraws, JudgeVerdict Verdict,
        Tensor FromOwnHistory, Tensor Extends, Tensor Next);

    private sealed record TriedSequence(int SeedRow, int SourceUser, int Copy, int[] Items, StopReason StopReason,
        int PrefixLength, int ItemsFromHistory);

    /// <summary>
    /// The state of a chunk of sequences on the device: slot b holds copy b mod M of seed row first + b / M.
    /// Sequences (B, MaxLength) post-padded, Lengths (B), RealItems = R and UsedItems = set(g) as (B, V) masks.
    /// </summary>
    private sealed class Chunk
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

        public static Chunk Start(IReadOnlyList<TrainingRow> seedRows, int first, int count, GenerationOptions options,
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

            return new Chunk
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

    /// <summary>Copies the traced sequences' state to the host around each step and reports it.</summary>
    private sealed class StepTracer
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

        public Before Capture(Chunk chunk)
        {
            var index = tensor(slots, device: chunk.Device);
            var alive = chunk.Alive.index_select(0, index).cpu().data<bool>().ToArray();
            var lengths = chunk.Lengths.index_select(0, index).cpu().data<long>().ToArray();
            var sequences = chunk.Sequences.index_select(0, index).cpu().data<long>().ToArray();
            var unusedReal = chunk.RealItems.logical_and(chunk.UsedItems.logical_not()).index_select(0, index)
                .sum(1, type: ScalarType.Int64).cpu().data<long>().ToArray();
            int width = (int)chunk.Sequences.shape[1];
            var context = slots.Select((_, i) => Enumerable.Range(0, (int)lengths[i])
                .Select(t => (int)sequences[i * width + t]).ToArray()).ToArray();
            return new Before(alive, context, unusedReal);
        }

        public void Report(Before? before, Chunk chunk, StepOutcome? outcome, int step)
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

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public static readonly SequenceComparer Instance = new();
        public bool Equals(int[]? x, int[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(int[] items)
        {
            var hash = new HashCode();
            foreach (int item in items) hash.Add(item);
            return hash.ToHashCode();
        }
    }
}
