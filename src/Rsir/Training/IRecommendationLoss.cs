using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>A next-item loss, summed over a length group's real positions (the trainer divides by the step's count).</summary>
public interface IRecommendationLoss
{
    Tensor Sum(Tensor hidden, LengthGroup group, Tensor itemTable, Generator generator);

    public static IRecommendationLoss Create(TrainingOptions options) => options.Loss switch
    {
        LossKind.SampledSoftmax => new SampledSoftmaxLoss(options.Negatives),
        LossKind.FullSoftmax => new FullSoftmaxLoss(),
        LossKind.BinaryCrossEntropy => new BinaryCrossEntropyLoss(),
        _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown loss {options.Loss}."),
    };
}
