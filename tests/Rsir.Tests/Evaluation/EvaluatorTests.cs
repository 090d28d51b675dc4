using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Evaluation;

public class EvaluatorTests
{
    private static (SasRec Model, List<EvaluationRow> Rows) Setup(int items, int users, int seed)
    {
        torch.manual_seed(seed);
        var model = new SasRec(items, new BackboneOptions { Dim = 8, Heads = 2, FeedForward = 16, Layers = 1, MaxLength = 12 });
        model.eval();
        var random = new Random(seed);
        var rows = Enumerable.Range(1, users).Select(u =>
        {
            var history = Enumerable.Range(0, random.Next(1, 15)).Select(_ => random.Next(1, items + 1)).ToArray();
            return new EvaluationRow(u, history, random.Next(1, items + 1));
        }).ToList();
        return (model, rows);
    }

    /// <summary>The reference: score one user at a time and rank by the definition.</summary>
    private static int[] ReferenceRanks(SasRec model, IReadOnlyList<EvaluationRow> rows, bool maskHistory)
    {
        using var noGrad = no_grad();
        return rows.Select(row =>
        {
            var (items, lengths) = model.Pad(new[] { row.History }, CPU);
            var scores = model.ScoreAll(model.EncodeLast(items, lengths)).squeeze(0).data<float>().ToArray();
            var masked = maskHistory ? new HashSet<int>(row.History) { 0 } : new HashSet<int> { 0 };
            return RankingMetrics.Rank(scores, row.Target, masked);
        }).ToArray();
    }

    [Theory]
    [InlineData(true, 4096L)]     // one chunk
    [InlineData(false, 4096L)]
    [InlineData(true, 1024L)]     // several item chunks per batch: memory bound for large catalogues
    public void Batched_chunked_ranks_equal_the_one_user_reference(bool mask, long maxScores)
    {
        var (model, rows) = Setup(items: 300, users: 70, seed: 3);
        rows.Add(new EvaluationRow(999, new[] { 5, 7, 9 }, 7));          // target already in the history
        var evaluator = new Evaluator(new EvaluationOptions { BatchSize = 16, MaxScoresInMemory = maxScores, MaskHistory = mask });
        var result = evaluator.Evaluate(model, rows, "test");
        var reference = ReferenceRanks(model, rows, mask);
        Assert.Equal(reference, result.Ranks.ToArray());
        Assert.Equal(mask, result.Ranks[^1] == RankingMetrics.Miss);
        Assert.Contains("history masked", new Evaluator(new EvaluationOptions { MaskHistory = true }).Evaluate(model, rows, "test").Protocol.ToString());
    }

    [Fact]
    public void Popularity_ranks_items_by_training_count()
    {
        var sequences = new Dictionary<int, int[]>
        {
            [1] = new[] { 1, 2, 3, 4, 5 }, [2] = new[] { 2, 3, 4, 6, 7 }, [3] = new[] { 3, 2, 1, 8, 9 },
        };
        var data = LeaveOneOut.Split("toy", sequences, 9);
        var model = new Popularity(data);
        // training rows: [1,2,3], [2,3,4], [3,2,1] → counts 1:2, 2:3, 3:3, 4:1; others 0
        var result = new Evaluator(new EvaluationOptions { MaskHistory = false }).Evaluate(model,
            new[] { new EvaluationRow(1, new[] { 9 }, 2), new EvaluationRow(2, new[] { 9 }, 4) }, "test");
        Assert.Equal(new[] { 2, 4 }, result.Ranks.ToArray());   // 2 ties with 3 (ties count against) ; 4 after 2, 3, 1
    }
}
