using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Models;

/// <summary>Tiny backbones and problems for the model tests: 50 items, Dim 16, sequences of at most 12.</summary>
internal static class TinyBackbones
{
    public const int ItemCount = 50;

    public static BackboneOptions Options(string kind, double dropout = 0.3) => new()
    {
        Kind = kind, Dim = 16, Heads = 2, Layers = 2, FeedForward = 32, Dropout = dropout, MaxLength = 12,
        RelativePositionBuckets = 8,
    };

    public static SequentialRecommender Create(string kind, double dropout = 0.3, int seed = 1)
    {
        torch.manual_seed(seed);
        return Backbones.Create(Options(kind, dropout), ItemCount);
    }

    public static TheoryData<string> Kinds => new() { "sasrec", "cl4srec", "hstu" };

    /// <summary>(batch, length) random item ids in 1..ItemCount.</summary>
    public static Tensor RandomItems(int batch, int length, int seed)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(0, batch * length).Select(_ => (long)random.Next(1, ItemCount + 1)).ToArray();
        return tensor(ids, new long[] { batch, length });
    }

    /// <summary>Sequences that follow a learnable rule (each item predicts the next: i → i·3 mod 50 + 1).</summary>
    public static List<int[]> RuleSequences(int count, int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var s = new int[length];
            s[0] = random.Next(1, ItemCount + 1);
            for (int t = 1; t < length; t++) s[t] = s[t - 1] * 3 % ItemCount + 1;
            return s;
        }).ToList();
    }

    /// <summary>Mean full-softmax cross-entropy of predicting s[t+1] from s[..t] over all non-pad targets.</summary>
    public static Tensor NextItemLoss(SequentialRecommender model, IReadOnlyList<int[]> sequences)
    {
        var device = model.ItemTable.device;
        var (inputs, _) = model.Pad(sequences.Select(s => s[..^1]).ToList(), device);
        var (targets, _) = model.Pad(sequences.Select(s => s[1..]).ToList(), device);
        var logits = model.ScoreAll(model.Encode(inputs));
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: 0);
    }
}
