using Rsir.Data;
using Rsir.Generation;
using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Generation;

/// <summary>
/// A backbone whose scores are a fixed function of the last item: the hidden state of item i is row i of a table of
/// distinct whole numbers and the item table is the identity, so every score is exact (no rounding, no ties within a
/// row) whatever the batch shape. Good for comparing the batched generator with the scalar reference bit for bit.
/// </summary>
internal sealed class LastItemScorer : SequentialRecommender
{
    private readonly Tensor table;
    private readonly Tensor identity;

    public LastItemScorer(int itemCount, int seed, int maxLength = 50)
        : base(nameof(LastItemScorer), new BackboneOptions { Dim = itemCount + 1, Heads = 1, MaxLength = maxLength }.Validate(), itemCount)
    {
        int v = itemCount + 1;
        var random = new Random(seed);
        var scores = new float[v * v];
        for (int row = 0; row < v; row++)
        {
            var permutation = Enumerable.Range(0, v).OrderBy(_ => random.Next()).ToArray();
            for (int j = 0; j < v; j++) scores[row * v + j] = permutation[j] - v / 2;
        }
        table = tensor(scores, new long[] { v, v });
        identity = eye(v, dtype: ScalarType.Float32);
        register_buffer("table", table);
        register_buffer("identity", identity);
    }

    public override Tensor ItemTable => identity;

    public override Tensor forward(Tensor items) =>
        table.index_select(0, items.flatten()).view(items.shape[0], items.shape[1], VocabularySize);
}

internal static class GenerationTestKit
{
    /// <summary>Random users with 4..maxLength items (mostly distinct, a few repeats), split leave-one-out.</summary>
    public static Dataset MakeDataset(int itemCount, int users, int seed, int maxLength = 16)
    {
        var random = new Random(seed);
        var sequences = new Dictionary<int, int[]>();
        for (int u = 1; u <= users; u++)
        {
            int length = random.Next(4, maxLength + 1);
            var items = Enumerable.Range(1, itemCount).OrderBy(_ => random.Next()).Take(length).ToArray();
            if (u % 5 == 0 && length > 4) items[2] = items[0]; // a repeat consumption: R is a set
            sequences[u] = items;
        }
        return LeaveOneOut.Split("toy", sequences, itemCount);
    }

    /// <summary>A tiny SASRec with fixed weights (eval mode gives deterministic scores).</summary>
    public static SasRec TinySasRec(int itemCount, int seed)
    {
        torch.manual_seed(seed);
        return new SasRec(itemCount, new BackboneOptions { Dim = 16, Layers = 1, Heads = 2, FeedForward = 32, MaxLength = 50 });
    }

    /// <summary>Scores over ids 0..V−1 after the context, one sequence at a time.</summary>
    public static float[] Scores(SequentialRecommender model, IReadOnlyList<int> context)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var (items, lengths) = model.Pad(new[] { context.ToArray() }, model.ItemTable.device);
        return model.ScoreAll(model.EncodeLast(items, lengths)).cpu().data<float>().ToArray();
    }

    /// <summary>The final sequence of every (seed row, copy) as the trace saw it stop.</summary>
    public static Dictionary<(int Row, int Copy), (int[] Items, StopReason Stop, int PrefixLength)> FinalSequences(IEnumerable<GenerationStep> steps)
    {
        var result = new Dictionary<(int, int), (int[], StopReason, int)>();
        foreach (var group in steps.GroupBy(s => (s.SeedRow, s.Copy)))
        {
            var ordered = group.OrderBy(s => s.Step).ToArray();
            var last = ordered[^1];
            Assert.NotNull(last.Stop);
            var items = last.RolledBack is null ? last.Context : last.Context[..^1];
            result[group.Key] = (items, last.Stop!.Value, ordered[0].Context.Length);
        }
        return result;
    }

    public static HashSet<int> RealItems(TrainingRow row) => row.Items[..^1].ToHashSet();
}
