using Rsir.Data;
using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Evaluation;

public sealed record EvaluationOptions
{
    /// <summary>Users scored together.</summary>
    public int BatchSize { get; init; } = 2048;
    /// <summary>Most scores held at once (users × items); bounds memory for very large catalogues.</summary>
    public long MaxScoresInMemory { get; init; } = 32L << 20;
    /// <summary>Exclude the user's history from the candidates (the paper's protocol).</summary>
    public bool MaskHistory { get; init; } = true;
    public IReadOnlyList<int> Cutoffs { get; init; } = new[] { 5, 10, 20 };

    // Options are compared by value (an experiment's identity); the cut-offs by their elements, not by reference.
    public bool Equals(EvaluationOptions? other) =>
        other is not null && BatchSize == other.BatchSize && MaxScoresInMemory == other.MaxScoresInMemory
        && MaskHistory == other.MaskHistory && Cutoffs.SequenceEqual(other.Cutoffs);

    public override int GetHashCode() => HashCode.Combine(BatchSize, MaxScoresInMemory, MaskHistory, Cutoffs.Count);

    public EvaluationOptions Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be ≥ 1; got {BatchSize}.");
        if (MaxScoresInMemory < 1024) throw new ArgumentOutOfRangeException(nameof(MaxScoresInMemory), $"MaxScoresInMemory must be ≥ 1024; got {MaxScoresInMemory}.");
        if (Cutoffs.Count == 0 || Cutoffs.Any(k => k < 1)) throw new ArgumentOutOfRangeException(nameof(Cutoffs), "Cutoffs must be positive.");
        return this;
    }
}

/// <summary>
/// Full-ranking evaluation: every user's last-position hidden state is scored against every item; the target's rank
/// is 1 + the number of candidate items scoring at least as high (see <see cref="RankingMetrics.Rank"/>). Users are
/// batched by history length so short histories are not padded to the longest, and items are scored in chunks so
/// memory stays bounded whatever the catalogue size. One host transfer per batch.
/// </summary>
public sealed class Evaluator
{
    private readonly EvaluationOptions options;

    public Evaluator(EvaluationOptions? options = null) => this.options = (options ?? new EvaluationOptions()).Validate();

    /// <summary>Times encoding and ranking (<c>rsir bench --phases</c>); null: not timed.</summary>
    public Runtime.PhaseClock? Clock { get; init; }

    public EvaluationResult Evaluate(SequentialRecommender model, IReadOnlyList<EvaluationRow> rows, string split)
    {
        using var prepared = Prepare(model, rows);
        return Evaluate(model, prepared, split);
    }

    /// <summary>The rows as tensors on the model's device (histories, targets and excluded ids, in batches sorted by
    /// history length), built once for evaluations repeated every epoch.</summary>
    public EvaluationSet Prepare(SequentialRecommender model, IReadOnlyList<EvaluationRow> rows) =>
        new(model, rows, options.BatchSize, options.MaskHistory);

    public EvaluationResult Evaluate(SequentialRecommender model, EvaluationSet rows, string split)
    {
        if (rows.MaxLength != model.MaxLength || rows.ItemCount != model.ItemCount)
            throw new ArgumentException($"The evaluation set was prepared for {rows.ItemCount} items and length {rows.MaxLength}, the model has {model.ItemCount} and {model.MaxLength}.");
        var ranks = new int[rows.Count];
        int nonFinite = 0;
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            foreach (var batch in rows.Batches)
            {
                using var scope = NewDisposeScope();
                var batchRanks = RankBatch(model, batch, ref nonFinite);
                for (int i = 0; i < batch.Index.Length; i++) ranks[batch.Index[i]] = batchRanks[i];
            }
        }
        model.train(wasTraining);
        var protocol = new EvaluationProtocol(split, options.MaskHistory, model.ItemCount, options.Cutoffs);
        return new EvaluationResult(protocol, rows.Users, ranks, nonFinite);
    }

    private int[] RankBatch(SequentialRecommender model, EvaluationBatch batch, ref int nonFinite)
    {
        int b = batch.Index.Length;
        Tensor hidden, atLeastAsHigh;
        using (Clock?.Time("evaluation: encode")) hidden = model.EncodeLast(batch.Items, batch.Lengths);   // (b, d)
        var table = model.ItemTable;
        var targetScores = (hidden * table.index_select(0, batch.Targets)).sum(1, keepdim: true);   // (b, 1)
        // Candidates: items 1..V−1 except the excluded ids; a tie or a NaN candidate counts against the target.
        using (Clock?.Time("evaluation: score and count ranks"))
            atLeastAsHigh = RankCounter.CountBeating(hidden, table, targetScores, batch.ExcludedIds, firstId: 1,
                TieRule.CountsAgainst, options.MaxScoresInMemory);
        Clock?.AddWork("evaluation: score and count ranks", 2.0 * b * model.ItemCount * model.Dim);
        // A target without a finite score is a miss, flagged as -1 so that it travels in the same host transfer.
        atLeastAsHigh.masked_fill_(targetScores.squeeze(1).isfinite().logical_not(), -1);
        var counts = atLeastAsHigh.cpu().data<long>().ToArray();
        var ranks = new int[b];
        for (int i = 0; i < b; i++)
        {
            if (counts[i] < 0) nonFinite++;
            ranks[i] = batch.TargetInHistory[i] || counts[i] < 0 ? RankingMetrics.Miss : (int)Math.Min(int.MaxValue - 1, 1 + counts[i]);
        }
        return ranks;
    }
}

/// <summary>One batch of an <see cref="EvaluationSet"/>: positions in the set, and the batch's tensors.</summary>
public sealed record EvaluationBatch(int[] Index, Tensor Items, Tensor Lengths, Tensor Targets, Tensor ExcludedIds, bool[] TargetInHistory);

/// <summary>
/// Evaluation rows prepared once on a model's device: users batched by history length (so short histories are not
/// padded to the longest), each batch's post-padded histories, targets, and the ids excluded from its candidates — the
/// target itself (it is not its own competitor) and, when masking, the history (padding id 0 is never scored).
/// </summary>
public sealed class EvaluationSet : IDisposable
{
    internal EvaluationSet(SequentialRecommender model, IReadOnlyList<EvaluationRow> rows, int batchSize, bool maskHistory)
    {
        foreach (var row in rows)
            if (row.Target < 1 || row.Target > model.ItemCount)
                throw new ArgumentOutOfRangeException(nameof(rows), $"User {row.User}: target item {row.Target} is outside 1..{model.ItemCount}.");
        Users = rows.Select(r => r.User).ToArray();
        MaxLength = model.MaxLength;
        ItemCount = model.ItemCount;
        var device = model.Device;
        var ordered = rows.Select((row, index) => (row, index)).OrderBy(p => Math.Min(p.row.History.Length, model.MaxLength)).ToArray();
        var batches = new List<EvaluationBatch>();
        using var scope = NewDisposeScope();
        for (int start = 0; start < ordered.Length; start += batchSize)
        {
            var batch = ordered.AsSpan(start, Math.Min(batchSize, ordered.Length - start)).ToArray();
            int b = batch.Length;
            var (items, lengths) = model.Pad(batch.Select(p => p.row.History).ToArray(), device);
            var excluded = new long[b][];
            var targetInHistory = new bool[b];
            for (int i = 0; i < b; i++)
            {
                var set = maskHistory ? new HashSet<int>(batch[i].row.History) : new HashSet<int>();
                targetInHistory[i] = set.Contains(batch[i].row.Target);
                set.Add(batch[i].row.Target);
                set.Remove(0);
                excluded[i] = set.Select(x => (long)x).ToArray();
            }
            int width = excluded.Max(e => e.Length);
            var excludedFlat = new long[b * width];
            for (int i = 0; i < b; i++)
                for (int j = 0; j < width; j++)
                    excludedFlat[i * width + j] = j < excluded[i].Length ? excluded[i][j] : -1;
            batches.Add(new EvaluationBatch(batch.Select(p => p.index).ToArray(),
                items.DetachFromDisposeScope(), lengths.DetachFromDisposeScope(),
                tensor(batch.Select(p => (long)p.row.Target).ToArray(), device: device).DetachFromDisposeScope(),
                tensor(excludedFlat, new long[] { b, width }, device: device).DetachFromDisposeScope(), targetInHistory));
        }
        Batches = batches;
    }

    public IReadOnlyList<EvaluationBatch> Batches { get; }
    public int[] Users { get; }
    public int Count => Users.Length;
    public int MaxLength { get; }
    public int ItemCount { get; }

    public void Dispose()
    {
        foreach (var b in Batches)
        {
            b.Items.Dispose(); b.Lengths.Dispose(); b.Targets.Dispose(); b.ExcludedIds.Dispose();
        }
    }
}
