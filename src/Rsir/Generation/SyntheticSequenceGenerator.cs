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
    /// <summary>Times encoding, scoring, judging and picking (<c>rsir bench --phases</c>); null: not timed.</summary>
    public PhaseClock? Clock { get; init; }

    /// <summary>Told, at most once per <see cref="ProgressInterval"/> while a round runs, how many seed rows are done
    /// and how long the rest should take; null: silent.</summary>
    public Action<string>? Progress { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMinutes(1);

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
        using var random = new DeviceRandom(Options.Seed ?? GenerationOptions.DefaultSeed, device, RandomDraws.OnHost);
        var tried = new List<TriedSequence>(seedRows.Count * Options.M);
        var lastReport = TimeSpan.Zero;
        try
        {
            int rowsPerChunk = Options.SeedRowsPerChunk(Model.VocabularySize);
            for (int first = 0; first < seedRows.Count; first += rowsPerChunk)
            {
                int count = Math.Min(rowsPerChunk, seedRows.Count - first);
                tried.AddRange(GenerateChunk(seedRows, first, count, judge, random, device, trace));
                ReportProgress(first + count, seedRows.Count, clock.Elapsed, ref lastReport);
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
        return RoundAssembly.Assemble(Options, GeneratorName, tried, seedRows.Count, round, firstPseudoUser, judge.Snapshot(), clock);
    }

    private void ReportProgress(int done, int total, TimeSpan elapsed, ref TimeSpan lastReport)
    {
        if (Progress is null || done >= total || elapsed - lastReport < ProgressInterval) return;
        lastReport = elapsed;
        var left = TimeSpan.FromSeconds(elapsed.TotalSeconds * (total - done) / done);
        Progress(FormattableString.Invariant($"{done:N0} of {total:N0} seed rows ({100.0 * done / total:F0}%), about {(int)left.TotalHours}:{left:mm\\:ss} left"));
    }

    /// <summary>Every copy of seed rows first..first+count−1, generated together until all have stopped.</summary>
    private IEnumerable<TriedSequence> GenerateChunk(IReadOnlyList<TrainingRow> seedRows, int first, int count,
        FidelityJudge judge, DeviceRandom random, Device device, GenerationTrace? trace)
    {
        using var chunkScope = NewDisposeScope();
        var chunk = GenerationChunk.Start(seedRows, first, count, Options, random, device);
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
    private StepOutcome? AdvanceOneStep(GenerationChunk chunk, int step, FidelityJudge judge, DeviceRandom random)
    {
        // T4: the sequence already has MaxLength items.
        chunk.StopWhere(chunk.Alive.logical_and(chunk.Lengths.ge(Options.MaxLength)), StopReason.ReachedMaxLength);

        // T1: S_tgt = R \ g is empty, every real item is used (skipped by RunToMaxLength).
        if (!Options.RunToMaxLength)
            chunk.StopWhere(chunk.Alive.logical_and(chunk.UnusedReal.any(1).logical_not()), StopReason.AllRealItemsUsed);

        var live = chunk.Alive.nonzero().squeeze(1);
        if (live.shape[0] == 0) return null;
        var poolDraws = random.Uniform(new long[] { chunk.Slots }, ScalarType.Float64);
        var pickDraws = Options.Decoding == Decoding.TopK
            ? random.Uniform(new long[] { chunk.Slots }, ScalarType.Float64)
            : null;

        // The model's scores over all ids 0..V−1 for the next item after each live sequence.
        var scores = ScoreNextItem(chunk, live);
        var realIds = chunk.RealIds.index_select(0, live);
        var unusedReal = chunk.UnusedReal.index_select(0, live);
        var hasUnusedReal = unusedReal.any(1);

        // T2: the fidelity check, on the context that already includes the last appended item.
        JudgeVerdict verdict;
        using (Clock?.Time("generation: judge"))
            verdict = Options.RunToMaxLength
                ? JudgeWhereRealItemsRemain(judge, scores, realIds, unusedReal, hasUnusedReal, step)
                : judge.JudgeAtIds(scores, realIds, unusedReal, step);
        var failed = live.masked_select(verdict.Passed.logical_not());
        if (Options.OnJudgeFailure == JudgeFailurePolicy.RollBack) chunk.RemoveLastGeneratedItem(failed);
        chunk.Stop(failed, StopReason.JudgeFailed);

        // The pool: the user's own unused real items with probability p, else every unused catalogue item.
        var fromOwnHistory = poolDraws.index_select(0, live).lt(Options.P);
        if (Options.RunToMaxLength) fromOwnHistory = fromOwnHistory.logical_and(hasUnusedReal);

        // T3: the chosen pool is empty.
        var poolHasItems = where(fromOwnHistory, hasUnusedReal, chunk.UsedCount.index_select(0, live).lt(Model.ItemCount));
        chunk.Stop(live.masked_select(verdict.Passed.logical_and(poolHasItems.logical_not())), StopReason.PoolEmpty);

        // Pick the next item from the pool; items already in g are outside every pool, so nothing repeats.
        var extends = verdict.Passed.logical_and(poolHasItems);
        Tensor next;
        using (Clock?.Time("generation: pick"))
            next = PoolDecoding.Next(Options, scores, chunk.Sequences.index_select(0, live), realIds, fromOwnHistory,
                pickDraws?.index_select(0, live));
        chunk.Append(live.masked_select(extends), next.masked_select(extends));

        return new StepOutcome(live, poolDraws, pickDraws, verdict, fromOwnHistory, extends, next);
    }

    /// <summary>
    /// RunToMaxLength (judge off): rows with unused real items are judged (their ranks recorded); rows without any have
    /// nothing to judge and pass, with rank 0.
    /// </summary>
    private static JudgeVerdict JudgeWhereRealItemsRemain(FidelityJudge judge, Tensor scores, Tensor realIds, Tensor unusedReal,
        Tensor hasUnusedReal, int step)
    {
        var judgeable = hasUnusedReal.nonzero().squeeze(1);
        var verdict = judge.JudgeAtIds(scores.index_select(0, judgeable), realIds.index_select(0, judgeable),
            unusedReal.index_select(0, judgeable), step);
        var passed = ones(scores.shape[0], dtype: ScalarType.Bool, device: scores.device).index_copy(0, judgeable, verdict.Passed);
        var rank = zeros(scores.shape[0], dtype: ScalarType.Int64, device: scores.device).index_copy(0, judgeable, verdict.BestUnusedRealRank);
        return new JudgeVerdict(passed, rank);
    }

    /// <summary>Raw scores (B', V) of the last position of each live sequence (post-padded, no cache).</summary>
    private Tensor ScoreNextItem(GenerationChunk chunk, Tensor live)
    {
        var lengths = chunk.Lengths.index_select(0, live);
        long longest = lengths.max().item<long>();
        var context = chunk.Sequences.index_select(0, live).narrow(1, 0, longest);
        Tensor hidden;
        using (Clock?.Time("generation: encode")) hidden = Model.EncodeLast(context, lengths);
        using (Clock?.Time("generation: score all items"))
        {
            Clock?.AddWork("generation: score all items", 2.0 * hidden.shape[0] * Model.VocabularySize * Model.Dim);
            return Model.ScoreAll(hidden);
        }
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

}
