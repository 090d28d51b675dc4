using Rsir.Runtime;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>A next-item loss, summed over a length group's real positions (the trainer divides by the step's count).</summary>
public interface IRecommendationLoss
{
    /// <param name="hidden">The backbone's hidden state at each of the group's real positions (positions × dim).</param>
    /// <param name="group">The rows of one length group, with each position's next-item target.</param>
    /// <param name="itemTable">The item embeddings the hidden states are scored against.</param>
    /// <param name="negatives">The stream negatives are drawn from (losses that sample).</param>
    /// <param name="paths">Which of the equivalent CPU or accelerator computations to use.</param>
    Tensor Sum(Tensor hidden, LengthGroup group, Tensor itemTable, DeviceRandom negatives, ExecutionPaths paths);

    public static IRecommendationLoss Create(TrainingOptions options) => options.Loss switch
    {
        LossKind.SampledSoftmax => new SampledSoftmaxLoss(options.Negatives),
        LossKind.FullSoftmax => new FullSoftmaxLoss(),
        LossKind.BinaryCrossEntropy => new BinaryCrossEntropyLoss(),
        _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown loss {options.Loss}."),
    };
}
