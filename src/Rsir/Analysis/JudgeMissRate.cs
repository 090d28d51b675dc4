using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Generation;
using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Analysis;

/// <summary>A synthetic sequence and how many of its first items are the prefix (not generated).</summary>
public sealed record GeneratedSequence(int[] Items, int PrefixLength)
{
    /// <summary>Items appended by generation: Items[PrefixLength..].</summary>
    public int GeneratedSteps => Math.Max(0, Items.Length - PrefixLength);
}

public sealed record MissRateOptions
{
    /// <summary>The rank threshold: a step is a miss when its item ranks below the top Tau.</summary>
    public double Tau { get; init; } = 20;
    /// <summary>
    /// False (default): rank among all ids 0..V−1 on unmasked scores, with strict '&gt;' (ties share the better rank),
    /// exactly as <see cref="FidelityJudge"/> ranks. True: PAD and the items already in the context are not competitors.
    /// </summary>
    public bool ExcludeContext { get; init; }
    /// <summary>Sequences encoded together.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Most scores held at once (steps × items).</summary>
    public long MaxScoresInMemory { get; init; } = 32L << 20;

    public MissRateOptions Validate()
    {
        if (double.IsPositiveInfinity(FidelityJudge.ValidateTau(Tau, nameof(Tau))))
            throw new ArgumentOutOfRangeException(nameof(Tau), "Tau must be finite for a miss rate (every rank is within +∞).");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be ≥ 1; got {BatchSize}.");
        if (MaxScoresInMemory < 1) throw new ArgumentOutOfRangeException(nameof(MaxScoresInMemory), $"MaxScoresInMemory must be ≥ 1; got {MaxScoresInMemory}.");
        return this;
    }
}

/// <summary>How many generated steps were measured and how many the reference model ranked below the top τ.</summary>
public sealed record MissRate(long Steps, long Misses, double Tau)
{
    public double Rate => Steps == 0 ? double.NaN : (double)Misses / Steps;

    /// <summary>Pooled over parts (e.g. all rounds' synthetic rows of a training set).</summary>
    public static MissRate Pool(IEnumerable<MissRate> parts)
    {
        var list = parts.ToArray();
        if (list.Length == 0) throw new ArgumentException("Nothing to pool.");
        if (list.Any(p => p.Tau != list[0].Tau)) throw new ArgumentException("Miss rates with different τ cannot be pooled.");
        return new MissRate(list.Sum(p => p.Steps), list.Sum(p => p.Misses), list[0].Tau);
    }
}

/// <summary>
/// The judge's miss rate p̃ measured against an independent reference model: for every item g_t appended by
/// generation (t ≥ prefix length), the reference scores the next item after the context g[..t] and the step is a miss
/// when g_t's rank, 1 + #{ids j : s_j &gt; s_{g_t}}, exceeds τ. The reference must be a model the generator never
/// consulted (e.g. trained on the real data with another seed), so that the judge's own errors are not graded by
/// themselves. One causal forward of g[..^1] gives every context of a sequence at once; scores are counted in item
/// chunks so memory stays bounded.
/// </summary>
public static class JudgeMissRate
{
    public static MissRate Measure(SequentialRecommender reference, IReadOnlyList<GeneratedSequence> sequences, MissRateOptions? options = null)
    {
        var o = (options ?? new MissRateOptions()).Validate();
        var ranks = StepRanks(reference, sequences, o);
        return new MissRate(ranks.Length, ranks.Count(r => r > o.Tau), o.Tau);
    }

    /// <summary>The sequences of one generation round, with their recorded prefix lengths.</summary>
    public static MissRate Measure(SequentialRecommender reference, GenerationRound round, MissRateOptions? options = null) =>
        Measure(reference, round.Sequences.Select(s => new GeneratedSequence(s.Items, s.PrefixLength)).ToArray(), options);

    /// <summary>Synthetic training rows (e.g. read back from synthetic.tsv), with the prefix length each had.</summary>
    public static MissRate Measure(SequentialRecommender reference, IEnumerable<TrainingRow> rows, Func<TrainingRow, int> prefixLength,
        MissRateOptions? options = null) =>
        Measure(reference, rows.Select(r => new GeneratedSequence(r.Items, prefixLength(r))).ToArray(), options);

    /// <summary>
    /// The prefix a synthetic row grew from: 1 under <see cref="PrefixPolicy.FirstItem"/>; under
    /// <see cref="PrefixPolicy.RandomPrefix"/> (not recorded in synthetic.tsv) the longest common prefix with the source
    /// user's row, which can overcount when the first generated items happen to repeat the real ones.
    /// </summary>
    public static Func<TrainingRow, int> PrefixLengths(PrefixPolicy policy, IEnumerable<TrainingRow> sourceRows)
    {
        if (policy == PrefixPolicy.FirstItem) return _ => 1;
        var byUser = new Dictionary<int, int[]>();
        foreach (var row in sourceRows) byUser.TryAdd(row.User, row.Items[..^1]);
        return row =>
        {
            if (!byUser.TryGetValue(row.Origin.SourceUser, out var source)) return 1;
            int n = 0;
            while (n < source.Length && n < row.Items.Length - 1 && source[n] == row.Items[n]) n++;
            return Math.Max(1, n);
        };
    }

    /// <summary>The reference's rank of every generated item, sequence by sequence, step by step.</summary>
    public static long[] StepRanks(SequentialRecommender reference, IReadOnlyList<GeneratedSequence> sequences, MissRateOptions? options = null)
    {
        var o = (options ?? new MissRateOptions()).Validate();
        foreach (var s in sequences)
        {
            if (s.PrefixLength < 1) throw new ArgumentOutOfRangeException(nameof(sequences), $"A prefix has at least one item; got {s.PrefixLength}.");
            if (s.Items.Length - 1 > reference.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(sequences), $"A sequence of {s.Items.Length} items needs contexts longer than the reference's maximum {reference.MaxLength}.");
            foreach (int item in s.Items)
                if (item < 1 || item > reference.ItemCount)
                    throw new ArgumentOutOfRangeException(nameof(sequences), $"Item {item} is outside the reference's catalogue 1..{reference.ItemCount}.");
        }
        var measured = sequences.Where(s => s.GeneratedSteps > 0).ToArray();
        var ranks = new List<long>(measured.Sum(s => s.GeneratedSteps));
        bool wasTraining = reference.training;
        reference.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < measured.Length; start += o.BatchSize)
            {
                using var scope = NewDisposeScope();
                ranks.AddRange(RankBatch(reference, measured.AsSpan(start, Math.Min(o.BatchSize, measured.Length - start)).ToArray(), o));
            }
        }
        finally { reference.train(wasTraining); }
        return ranks.ToArray();
    }

    private static long[] RankBatch(SequentialRecommender model, GeneratedSequence[] batch, MissRateOptions o)
    {
        var device = model.Device;
        var (items, _) = model.Pad(batch.Select(s => s.Items[..^1]).ToArray(), device);
        long width = items.shape[1];

        // One entry per measured step: the hidden state at position t − 1 predicts g[t]. Each step also lists the ids
        // that are not its competitors (−1 = none): the target itself, whose score is compared with, not counted, and
        // with ExcludeContext PAD and the distinct context items.
        var flat = new List<long>();
        var targets = new List<long>();
        var excluded = new List<long>();
        int columns = o.ExcludeContext ? (int)width + 2 : 1;
        for (int b = 0; b < batch.Length; b++)
            for (int t = batch[b].PrefixLength; t < batch[b].Items.Length; t++)
            {
                var g = batch[b].Items;
                flat.Add(b * width + t - 1);
                targets.Add(g[t]);
                excluded.Add(g[t]);
                if (!o.ExcludeContext) continue;
                excluded.Add(0);
                var seen = new HashSet<int> { g[t] };
                for (int j = 0; j < width; j++) excluded.Add(j < t && seen.Add(g[j]) ? g[j] : -1);
            }
        int n = flat.Count;
        var hidden = model.Encode(items);
        var stepHidden = hidden.reshape(-1, hidden.shape[^1]).index_select(0, tensor(flat.ToArray(), device: device));   // (n, d)
        var table = model.ItemTable;
        var targetScores = (stepHidden * table.index_select(0, tensor(targets.ToArray(), device: device))).sum(1, keepdim: true);
        var excludedIds = tensor(excluded.ToArray(), new long[] { n, columns }, device: device);
        var higher = RankCounter.CountBeating(stepHidden, table, targetScores, excludedIds, firstId: 0,
            TieRule.SharesBetterRank, o.MaxScoresInMemory);
        return (higher + 1).cpu().data<long>().ToArray();
    }
}
