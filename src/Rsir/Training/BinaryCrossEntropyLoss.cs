using Rsir.Runtime;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>SASRec's original loss: one uniformly drawn negative per position, −log σ(s⁺) − log(1 − σ(s⁻)).</summary>
public sealed class BinaryCrossEntropyLoss : IRecommendationLoss
{
    public Tensor Sum(Tensor hidden, LengthGroup group, Tensor itemTable, DeviceRandom negatives, ExecutionPaths paths)
    {
        var negativeIds = NegativeSampler.Sample(group.ExcludedOffsets, group.AllowedCounts, group.RowOfPosition, 1, negatives).squeeze(1);
        var positive = (hidden * itemTable.index_select(0, group.Targets)).sum(1);
        var negative = (hidden * itemTable.index_select(0, negativeIds)).sum(1);
        return -(nn.functional.logsigmoid(positive) + nn.functional.logsigmoid(-negative)).sum();
    }
}
