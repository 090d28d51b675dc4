using Rsir.Data.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Models;

/// <summary>
/// CL4SRec (Xie et al., ICDE 2022) as in the lab's DR4SR code: the SASRec encoder, whose embedding has one more row
/// for the [mask] token (id ItemCount + 1), plus a contrastive task. Each step, two augmented views of every input
/// sequence are encoded; each view applies one operator, drawn uniformly for the whole batch, from crop, mask and
/// reorder. A view is the mean of the encoder outputs over its items, and InfoNCE pulls the two views of a sequence
/// together against the other views of the batch.
/// </summary>
public sealed class Cl4SRec : SequentialRecommender
{
    private readonly SasRec encoder;

    public Cl4SRec(int itemCount, BackboneOptions? options = null, AugmentationRatios? ratios = null)
        : base(nameof(Cl4SRec), (options ?? new BackboneOptions { Kind = "cl4srec" }).Validate(), itemCount)
    {
        Ratios = (ratios ?? Options.Augmentation ?? AugmentationRatios.Default).Validate();
        encoder = new SasRec(itemCount, Options, extraTokens: 1);
        RegisterComponents();
    }

    /// <summary>The id of the [mask] token; it has an embedding but is never scored.</summary>
    public int MaskId => ItemCount + 1;
    public AugmentationRatios Ratios { get; }
    public double ContrastiveWeight => Options.ContrastiveWeight;
    public double Temperature => Options.ContrastiveTemperature;

    public override Tensor ItemTable => encoder.ItemTable;

    public override Tensor forward(Tensor itemIds) => encoder.forward(itemIds);

    /// <summary>ContrastiveWeight × InfoNCE between two augmented views of the batch's sequences; null when fewer
    /// than two sequences have at least two items (length-1 sequences sit out).</summary>
    public override Tensor? AuxiliaryLoss(IReadOnlyList<int[]> batchInputs, Random random)
    {
        ArgumentNullException.ThrowIfNull(batchInputs);
        ArgumentNullException.ThrowIfNull(random);
        var sequences = batchInputs
            .Where(s => s.Length >= 2)
            .Select(s => s.Length > MaxLength ? s[^MaxLength..] : s)
            .ToList();
        if (sequences.Count < 2) return null;

        using var scope = NewDisposeScope();
        var first = MeanPooled(AugmentedView(sequences, random));
        var second = MeanPooled(AugmentedView(sequences, random));
        return (ContrastiveWeight * InfoNce(first, second, Temperature)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DR4SR's InfoNCE with in-batch negatives from both views ("batch_both"): for anchor row i of
    /// <paramref name="anchors"/> the positive is row i of <paramref name="positives"/>, the negatives are the other
    /// B−1 rows of each view; similarity is the inner product over <paramref name="temperature"/>. The mean over the
    /// B anchors (DR4SR takes anchors from the first view only, so the loss is not symmetric in the views).
    /// </summary>
    public static Tensor InfoNce(Tensor anchors, Tensor positives, double temperature = 1.0)
    {
        if (anchors.dim() != 2 || !anchors.shape.SequenceEqual(positives.shape))
            throw new Runtime.InvariantException($"InfoNCE needs two (batch, dim) tensors of one shape; got ({string.Join(", ", anchors.shape)}) and ({string.Join(", ", positives.shape)}).");
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be > 0; got {temperature}.");
        using var scope = NewDisposeScope();
        long batch = anchors.shape[0];
        var toOtherView = anchors.matmul(positives.t()) / temperature;
        var withinView = (anchors.matmul(anchors.t()) / temperature)
            .masked_fill(eye(batch, dtype: ScalarType.Bool, device: anchors.device), double.NegativeInfinity);
        var logits = cat(new[] { toOtherView, withinView }, 1);
        var labels = arange(batch, dtype: ScalarType.Int64, device: anchors.device);
        return nn.functional.cross_entropy(logits, labels).MoveToOuterDisposeScope();
    }

    private List<int[]> AugmentedView(List<int[]> sequences, Random random)
    {
        Func<int[], int[]> augment = random.Next(3) switch
        {
            0 => s => SequenceAugmentations.Crop(s, Ratios.CropRatio, random),
            1 => s => SequenceAugmentations.Mask(s, Ratios.MaskRatio, MaskId, random),
            _ => s => SequenceAugmentations.Reorder(s, Ratios.ReorderRatio, random),
        };
        return sequences.Select(augment).ToList();
    }

    /// <summary>
    /// Each sequence's mean encoder output over its items, (B, Dim) in input order. The rows of a view do not
    /// interact, so they are encoded in length groups: the same values as one padded batch, without encoding up to
    /// 50 padded positions for a 5-item sequence.
    /// </summary>
    internal Tensor MeanPooled(IReadOnlyList<int[]> view)
    {
        var order = Enumerable.Range(0, view.Count).OrderBy(i => view[i].Length).ToArray();
        var pooled = new List<Tensor>();
        foreach (var (from, to) in LengthGroups.Boundaries(order.Select(i => Math.Min(MaxLength, view[i].Length)).ToArray()))
        {
            var (items, lengths) = Pad(order[from..to].Select(i => view[i]).ToList(), Device);
            var hidden = Encode(items);
            var valid = items.ne(0).unsqueeze(-1).to_type(hidden.dtype);
            pooled.Add((hidden * valid).sum(1) / lengths.unsqueeze(-1).to_type(hidden.dtype));
        }
        var inputPosition = new long[order.Length];
        for (int k = 0; k < order.Length; k++) inputPosition[order[k]] = k;
        return cat(pooled, 0).index_select(0, tensor(inputPosition, device: Device));
    }
}
