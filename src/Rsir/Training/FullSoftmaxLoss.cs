using Rsir.Runtime;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>Cross-entropy of the next item against the whole catalogue (padding excluded).</summary>
public sealed class FullSoftmaxLoss : IRecommendationLoss
{
    public Tensor Sum(Tensor hidden, LengthGroup group, Tensor itemTable, DeviceRandom negatives, ExecutionPaths paths)
    {
        var logits = hidden.matmul(itemTable.t());
        logits = logits.index_fill(1, tensor(new long[] { 0 }, device: logits.device), float.NegativeInfinity);
        return nn.functional.cross_entropy(logits, group.Targets, reduction: nn.Reduction.Sum);
    }
}
