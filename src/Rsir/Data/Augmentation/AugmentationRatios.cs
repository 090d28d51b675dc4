namespace Rsir.Data.Augmentation;

/// <summary>
/// CL4SRec's augmentation strengths: the share of a sequence that <see cref="SequenceAugmentations.Crop"/> keeps (η),
/// that <see cref="SequenceAugmentations.Mask"/> masks (γ) and that <see cref="SequenceAugmentations.Reorder"/>
/// shuffles (β).
/// </summary>
public sealed record AugmentationRatios(double CropRatio, double MaskRatio, double ReorderRatio)
{
    public static AugmentationRatios Beauty { get; } = new(0.2, 0.4, 0.2);
    public static AugmentationRatios Sports { get; } = new(0.4, 0.4, 0.2);
    public static AugmentationRatios Toys { get; } = new(0.2, 0.7, 0.2);
    public static AugmentationRatios Yelp { get; } = new(0.4, 0.7, 0.2);

    /// <summary>The defaults of DR4SR's <c>Item_Random</c> (τ 0.2, γ 0.7, β 0.2), for datasets without a recorded setting.</summary>
    public static AugmentationRatios Default { get; } = new(0.2, 0.7, 0.2);

    /// <summary>
    /// The recorded ratios for Beauty, Sports (also "Sports_and_Outdoors"), Toys (also "Toys_and_Games") and Yelp,
    /// matched case-insensitively; <see cref="Default"/> for null or any other dataset.
    /// </summary>
    public static AugmentationRatios ForDataset(string? dataset) => dataset?.Trim().ToLowerInvariant() switch
    {
        "beauty" or "amazon_beauty" or "amazon-beauty" => Beauty,
        "sports" or "sports_and_outdoors" or "amazon_sports" or "amazon-sports" => Sports,
        "toys" or "toys_and_games" or "amazon_toys" or "amazon-toys" => Toys,
        "yelp" => Yelp,
        _ => Default,
    };

    public AugmentationRatios Validate()
    {
        Check(CropRatio, nameof(CropRatio));
        Check(MaskRatio, nameof(MaskRatio));
        Check(ReorderRatio, nameof(ReorderRatio));
        return this;
    }

    private static void Check(double ratio, string name)
    {
        if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1]; got {ratio}.");
    }
}
