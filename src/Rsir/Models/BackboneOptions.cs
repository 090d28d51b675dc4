using Rsir.Data.Augmentation;

namespace Rsir.Models;

/// <summary>Architecture settings shared by the backbones; defaults are SASRec as RSIR trains it.</summary>
public sealed record BackboneOptions
{
    public string Kind { get; init; } = "sasrec";
    public int Dim { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 2;
    public int FeedForward { get; init; } = 128;
    public double Dropout { get; init; } = 0.5;
    public int MaxLength { get; init; } = 50;
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>CL4SRec: weight of the contrastive term added to the recommendation loss.</summary>
    public double ContrastiveWeight { get; init; } = 0.1;
    /// <summary>CL4SRec: InfoNCE temperature.</summary>
    public double ContrastiveTemperature { get; init; } = 1.0;
    /// <summary>CL4SRec: crop/mask/reorder ratios; null takes the dataset's recorded ones (<see cref="AugmentationRatios.ForDataset"/>).</summary>
    public AugmentationRatios? Augmentation { get; init; }

    /// <summary>HSTU: number of learned relative-position buckets per head (exact for short distances, log-spaced beyond).</summary>
    public int RelativePositionBuckets { get; init; } = 32;
    /// <summary>HSTU: whether to add a learned absolute position embedding to the input (SASRec always does).</summary>
    public bool AbsolutePositions { get; init; } = true;

    public BackboneOptions Validate()
    {
        if (!Backbones.Kinds.Contains((Kind ?? "").Trim().ToLowerInvariant()))
            throw new ArgumentException(
                $"Unknown backbone kind '{Kind}'; {nameof(Kind)} must be one of {string.Join(", ", Backbones.Kinds)} " +
                $"(size presets such as sasrec-small are for --backbone, not for {nameof(Kind)}).", nameof(Kind));
        if (Dim < 1) throw new ArgumentOutOfRangeException(nameof(Dim), $"Dim must be ≥ 1; got {Dim}.");
        if (Layers < 1) throw new ArgumentOutOfRangeException(nameof(Layers), $"Layers must be ≥ 1; got {Layers}.");
        if (Heads < 1 || Dim % Heads != 0)
            throw new ArgumentOutOfRangeException(nameof(Heads), $"Heads must be ≥ 1 and divide Dim ({Dim}); got {Heads}.");
        if (FeedForward < 1) throw new ArgumentOutOfRangeException(nameof(FeedForward), $"FeedForward must be ≥ 1; got {FeedForward}.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), $"Dropout must be in [0, 1); got {Dropout}.");
        if (MaxLength < 2) throw new ArgumentOutOfRangeException(nameof(MaxLength), $"MaxLength must be ≥ 2; got {MaxLength}.");
        if (!(ContrastiveWeight >= 0) || double.IsInfinity(ContrastiveWeight))
            throw new ArgumentOutOfRangeException(nameof(ContrastiveWeight), $"ContrastiveWeight must be finite and ≥ 0; got {ContrastiveWeight}.");
        if (!(ContrastiveTemperature > 0) || double.IsInfinity(ContrastiveTemperature))
            throw new ArgumentOutOfRangeException(nameof(ContrastiveTemperature), $"ContrastiveTemperature must be finite and > 0; got {ContrastiveTemperature}.");
        Augmentation?.Validate();
        if (RelativePositionBuckets < 1)
            throw new ArgumentOutOfRangeException(nameof(RelativePositionBuckets), $"RelativePositionBuckets must be ≥ 1; got {RelativePositionBuckets}.");
        return this;
    }
}
