using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>
/// RSIR's loss: at every position, the cross-entropy of the next item against <c>negatives</c> items drawn uniformly
/// with replacement from those not in the row's input (fresh draws per position):
/// ℓ_t = logsumexp(s⁺, s⁻_1 … s⁻_n) − s⁺.
/// Only the sampled rows of the item table are gathered, so memory does not grow with the catalogue.
/// </summary>
public sealed class SampledSoftmaxLoss(int negatives) : IRecommendationLoss
{
    public Tensor Sum(Tensor hidden, LengthGroup group, Tensor itemTable, Generator generator)
    {
        var negativeIds = NegativeSampler.Sample(group.ExcludedOffsets, group.AllowedCounts, group.RowOfPosition, negatives, generator);
        var positive = (hidden * itemTable.index_select(0, group.Targets)).sum(1, keepdim: true);          // (n, 1)
        var negativeRows = itemTable.index_select(0, negativeIds.view(-1)).view(group.Positions, negatives, -1);
        var negative = negativeRows.bmm(hidden.unsqueeze(2)).squeeze(2);                                  // (n, negatives)
        var logits = cat(new[] { positive, negative }, 1);
        return (logits.logsumexp(1) - positive.squeeze(1)).sum();
    }
}
