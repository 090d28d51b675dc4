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

    public EvaluationResult Evaluate(SequentialRecommender model, IReadOnlyList<EvaluationRow> rows, string split)
    {
        var device = model.Device;
        var ordered = rows.Select((row, index) => (row, index)).OrderBy(p => Math.Min(p.row.History.Length, model.MaxLength)).ToArray();
        var ranks = new int[rows.Count];
        int nonFinite = 0;
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int start = 0; start < ordered.Length; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = ordered.AsSpan(start, Math.Min(options.BatchSize, ordered.Length - start)).ToArray();
                var batchRanks = RankBatch(model, batch.Select(p => p.row).ToArray(), device, ref nonFinite);
                for (int i = 0; i < batch.Length; i++) ranks[batch[i].index] = batchRanks[i];
            }
        }
        model.train(wasTraining);
        var protocol = new EvaluationProtocol(split, options.MaskHistory, model.ItemCount, options.Cutoffs);
        return new EvaluationResult(protocol, rows.Select(r => r.User).ToArray(), ranks, nonFinite);
    }

    private int[] RankBatch(SequentialRecommender model, EvaluationRow[] rows, Device device, ref int nonFinite)
    {
        int b = rows.Length;
        foreach (var row in rows)
            if (row.Target < 1 || row.Target > model.ItemCount)
                throw new ArgumentOutOfRangeException(nameof(rows), $"User {row.User}: target item {row.Target} is outside 1..{model.ItemCount}.");

        var (items, lengths) = model.Pad(rows.Select(r => r.History).ToArray(), device);
        var hidden = model.EncodeLast(items, lengths);                          // (b, d)
        var table = model.ItemTable;
        var targets = tensor(rows.Select(r => (long)r.Target).ToArray(), device: device);
        var targetScores = (hidden * table.index_select(0, targets)).sum(1, keepdim: true);   // (b, 1)

        // Ids excluded from the candidates, per row: the target itself (it is not its own competitor), and the
        // history when masking. Padding id 0 is never scored (chunks start at item 1).
        var excluded = new List<long>[b];
        var masked = new bool[b];
        for (int i = 0; i < b; i++)
        {
            var set = options.MaskHistory ? new HashSet<int>(rows[i].History) : new HashSet<int>();
            masked[i] = set.Contains(rows[i].Target);
            set.Add(rows[i].Target);
            set.Remove(0);
            excluded[i] = set.Select(x => (long)x).ToList();
        }
        int width = excluded.Max(e => e.Count);
        var excludedFlat = new long[b * width];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < width; j++)
                excludedFlat[i * width + j] = j < excluded[i].Count ? excluded[i][j] : -1;
        var excludedIds = tensor(excludedFlat, new long[] { b, width }, device: device);

        long chunk = Math.Max(1, Math.Min(model.ItemCount, options.MaxScoresInMemory / b));
        var atLeastAsHigh = zeros(b, dtype: ScalarType.Int64, device: device);
        for (long lo = 1; lo <= model.ItemCount; lo += chunk)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(chunk, model.ItemCount + 1 - lo);
            var scores = hidden.matmul(table.narrow(0, lo, size).t());          // (b, size)
            // Excluded ids inside this chunk become -inf; the others land in a spare column that is ignored.
            var inChunk = (excludedIds >= lo) & (excludedIds < lo + size);
            var column = where(inChunk, excludedIds - lo, size);
            var padded = nn.functional.pad(scores, new long[] { 0, 1 });
            padded.scatter_(1, column, full(column.shape, float.NegativeInfinity, dtype: padded.dtype, device: padded.device));
            // "Not strictly lower" rather than ">=": a NaN candidate counts against the target, as a tie does.
            atLeastAsHigh.add_((padded.narrow(1, 0, size) < targetScores).logical_not().sum(1));
        }
        // A target without a finite score is a miss, flagged as -1 so that it travels in the same host transfer.
        atLeastAsHigh.masked_fill_(targetScores.squeeze(1).isfinite().logical_not(), -1);
        var counts = atLeastAsHigh.cpu().data<long>().ToArray();
        var ranks = new int[b];
        for (int i = 0; i < b; i++)
        {
            if (counts[i] < 0) nonFinite++;
            ranks[i] = masked[i] || counts[i] < 0 ? RankingMetrics.Miss : (int)Math.Min(int.MaxValue - 1, 1 + counts[i]);
        }
        return ranks;
    }
}
