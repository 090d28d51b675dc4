using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>
/// RSIR's loss: at every position, the cross-entropy of the next item against <c>negatives</c> items drawn uniformly
/// with replacement from those not in the row's input (fresh draws per position):
/// ℓ_t = logsumexp(s⁺, s⁻_1 … s⁻_n) − s⁺.
/// Only the target's and the sampled items' rows of the item table are gathered (one gather for both), so memory does
/// not grow with the catalogue.
/// </summary>
public sealed class SampledSoftmaxLoss(int negatives) : IRecommendationLoss
{
    public Tensor Sum(Tensor hidden, LengthGroup group, Tensor itemTable, Generator generator)
    {
        var negativeIds = NegativeSampler.Sample(group.ExcludedOffsets, group.AllowedCounts, group.RowOfPosition, negatives, generator);
        var candidates = cat(new[] { group.Targets.unsqueeze(1), negativeIds }, 1);                        // (n, 1 + negatives)
        var rows = itemTable.index_select(0, candidates.view(-1)).view(group.Positions, negatives + 1, -1);
        var logits = rows.bmm(hidden.unsqueeze(2)).squeeze(2);                                              // column 0: the target
        return (logits.logsumexp(1) - logits.select(1, 0)).sum();
    }
}
