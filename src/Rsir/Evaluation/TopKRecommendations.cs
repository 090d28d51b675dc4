using Rsir.Models;
using static TorchSharp.torch;

namespace Rsir.Evaluation;

/// <summary>One recommended item: its rank, id and score.</summary>
public sealed record Recommendation(int Rank, int Item, double Score);

/// <summary>Top-k recommendations of a trained backbone for one history, as the evaluator ranks them (the history is
/// masked, as in the paper's protocol, unless asked otherwise).</summary>
public static class TopKRecommendations
{
    public static IReadOnlyList<Recommendation> For(SequentialRecommender model, IReadOnlyList<int> history, int k = 10,
        bool maskHistory = true)
    {
        if (history.Count == 0) throw new ArgumentException("The history is empty; there is nothing to continue.", nameof(history));
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be ≥ 1; got {k}.");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = model.Device;
            var (items, lengths) = model.Pad(new[] { history.ToArray() }, device);
            var scores = model.ScoreAll(model.EncodeLast(items, lengths)).squeeze(0).to(ScalarType.Float32).cpu();
            var masked = new List<long> { 0 };                                       // padding is never an item
            if (maskHistory) masked.AddRange(history.Distinct().Select(item => (long)item));
            scores.index_fill_(0, tensor(masked.ToArray()), float.NegativeInfinity);
            var (values, indices) = scores.topk(Math.Min(k, model.ItemCount));
            var v = values.data<float>().ToArray();
            var i = indices.data<long>().ToArray();
            return Enumerable.Range(0, v.Length).Select(r => new Recommendation(r + 1, (int)i[r], v[r])).ToArray();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
