namespace Rsir.Training;

public enum LossKind { SampledSoftmax, FullSoftmax, BinaryCrossEntropy }

/// <summary>The training recipe; defaults are RSIR's (released code, configs/basemodel.yaml).</summary>
public sealed record TrainingOptions
{
    public int MaxEpochs { get; init; } = 1000;
    /// <summary>Epochs without a validation improvement before stopping.</summary>
    public int Patience { get; init; } = 20;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    public LossKind Loss { get; init; } = LossKind.SampledSoftmax;
    /// <summary>Negatives per position for the sampled softmax (BCE always uses one).</summary>
    public int Negatives { get; init; } = 256;
    public long Seed { get; init; } = 2023;
    /// <summary>Validation metric for early stopping and checkpoint selection; an improvement is ≥ the best so far.</summary>
    public string ValidationMetric { get; init; } = "ndcg@20";
    /// <summary>
    /// Fixed cost of one extra length group, in padded positions. Each batch of users is split into groups of similar
    /// length (one optimiser step over all of them, loss averaged over the batch's positions, exactly as one padded
    /// batch) so that short sequences are not padded to the longest.
    /// </summary>
    public int GroupCostInPositions { get; init; } = Models.LengthGroups.DefaultGroupCost;

    public TrainingOptions Validate()
    {
        if (MaxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(MaxEpochs), $"MaxEpochs must be ≥ 1; got {MaxEpochs}.");
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), $"Patience must be ≥ 1; got {Patience}.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be ≥ 1; got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"LearningRate must be a positive number; got {LearningRate}.");
        if (Negatives < 1) throw new ArgumentOutOfRangeException(nameof(Negatives), $"Negatives must be ≥ 1; got {Negatives}.");
        if (GroupCostInPositions < 0) throw new ArgumentOutOfRangeException(nameof(GroupCostInPositions), "GroupCostInPositions must be ≥ 0.");
        var parts = ValidationMetric.Split('@');
        if (parts.Length != 2 || parts[0] is not ("ndcg" or "recall") || !int.TryParse(parts[1], out int k) || k < 1)
            throw new ArgumentException($"ValidationMetric must look like ndcg@20 or recall@10; got '{ValidationMetric}'.", nameof(ValidationMetric));
        return this;
    }

    internal (string Metric, int K) ParsedValidationMetric()
    {
        var parts = ValidationMetric.Split('@');
        return (parts[0], int.Parse(parts[1]));
    }
}
