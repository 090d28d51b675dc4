using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rsir.Models;

/// <summary>
/// HSTU, the Hierarchical Sequential Transduction Unit (Zhai et al., ICML 2024, "Actions Speak Louder than Words"),
/// as a sequential recommender over item ids: scaled item embeddings (+ optional learned positions), a stack of HSTU
/// blocks, a final LayerNorm, and the item table shared as the output layer.
/// RSIR publishes no HSTU settings; sizes come from <see cref="BackboneOptions"/> (Dim/Heads per head for Q, K and V).
/// </summary>
public sealed class Hstu : SequentialRecommender
{
    private readonly Embedding items;
    private readonly Embedding? positions;
    private readonly FastDropout inputDropout;
    private readonly ModuleList<HstuBlock> blocks;
    private readonly LayerNorm outputNorm;

    public Hstu(int itemCount, BackboneOptions? options = null)
        : base(nameof(Hstu), (options ?? new BackboneOptions { Kind = "hstu" }).Validate(), itemCount)
    {
        items = Embedding(VocabularySize, Dim, padding_idx: 0);
        positions = Options.AbsolutePositions ? Embedding(MaxLength, Dim) : null;
        inputDropout = new FastDropout(Options.Dropout);
        blocks = new ModuleList<HstuBlock>(Enumerable.Range(0, Options.Layers).Select(_ => new HstuBlock(Options)).ToArray());
        // The reference HSTU has no final norm; it L2-normalises outputs for a cosine-similarity loss. With the
        // shared dot-product item table, a final LayerNorm plays that role for this pre-norm stack.
        outputNorm = LayerNorm(Dim, Options.LayerNormEps);
        RegisterComponents();
        InitialiseWeights();
        foreach (var block in blocks) block.InitialiseProjections();
        using (no_grad())
        using (NewDisposeScope())
        {
            items.weight![0].zero_();
            if (positions is not null) init.uniform_(positions.weight!, -Math.Sqrt(1.0 / Dim), Math.Sqrt(1.0 / Dim));
        }
    }

    public override Tensor ItemTable => items.weight!;

    public override Tensor forward(Tensor itemIds)
    {
        // As in the reference: item embeddings scaled by √d, plus learned absolute positions.
        var x = items.call(itemIds) * Math.Sqrt(Dim);
        if (positions is not null) x = x + positions.call(arange(itemIds.shape[1], device: itemIds.device));
        x = inputDropout.call(x);
        foreach (var block in blocks) x = block.call(x);
        return outputNorm.call(x);
    }
}

/// <summary>
/// One HSTU block (paper eqs. 1–3):
/// U, V, Q, K = Split(SiLU(W1·LN(x)));  A = SiLU(Q·Kᵀ + rab) / n, causal;  x + W2·Dropout(LN(A·V) ⊙ U).
/// Pointwise SiLU attention replaces softmax, so no row is normalised to sum to one. n is the fixed MaxLength, as in
/// the reference (which pads every sequence to MaxLength): unlike the batch's padded length it cannot make a
/// position's output depend on trailing padding. Since LN(A·V) follows, any n that is constant per query position
/// cancels up to LN's eps; n sets the scale the eps acts on, not the output.
/// </summary>
internal sealed class HstuBlock : Module<Tensor, Tensor>, IAttentionWork
{
    private readonly Linear projectUvqk, output;
    private readonly RelativePositionBias relativeBias;
    private readonly FastDropout dropout;
    private readonly int heads, dim, maxLength;
    private readonly double eps;

    public HstuBlock(BackboneOptions o) : base(nameof(HstuBlock))
    {
        heads = o.Heads;
        dim = o.Dim;
        maxLength = o.MaxLength;
        eps = o.LayerNormEps;
        projectUvqk = Linear(dim, 4 * dim);
        output = Linear(dim, dim);
        relativeBias = new RelativePositionBias(o.Heads, o.RelativePositionBuckets, o.MaxLength);
        dropout = new FastDropout(o.Dropout);
        RegisterComponents();
    }

    /// <summary>The reference initialises both projections Xavier-uniform.</summary>
    internal void InitialiseProjections()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        init.xavier_uniform_(projectUvqk.weight);
        init.xavier_uniform_(output.weight);
    }

    /// <summary>QKᵀ and AV over all L × L pairs (the causal mask is applied after the product).</summary>
    public double AttentionFlops(long batch, long length) => 4.0 * batch * length * length * dim;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1];
        // The reference's two norms carry no learned scale or shift.
        var normed = functional.layer_norm(x, new long[] { dim }, eps: eps);
        var uvqk = functional.silu(projectUvqk.call(normed)).split(dim, -1);
        var (u, v, q, k) = (uvqk[0], ToHeads(uvqk[1]), ToHeads(uvqk[2]), ToHeads(uvqk[3]));

        var causal = ones(length, length, dtype: ScalarType.Bool, device: x.device).tril();
        var attention = functional.silu(q.matmul(k.transpose(-2, -1)) + relativeBias.call(length)) / maxLength;
        attention = attention.masked_fill(causal.logical_not(), 0.0);
        var attended = attention.matmul(v).transpose(1, 2).reshape(batch, length, dim);

        var gated = functional.layer_norm(attended, new long[] { dim }, eps: eps) * u;
        return (x + output.call(dropout.call(gated))).MoveToOuterDisposeScope();

        Tensor ToHeads(Tensor t) => t.view(batch, length, heads, dim / heads).transpose(1, 2); // (B, H, L, d/H)
    }
}

/// <summary>
/// A learned bias per head and bucketed causal distance i − j ≥ 0: distances below half the buckets get a bucket
/// each, longer ones share log-spaced buckets up to MaxLength (T5's scheme, one-sided). The reference HSTU buckets
/// timestamp gaps the same log way and adds one bias per position offset; these datasets carry no timestamps.
/// </summary>
internal sealed class RelativePositionBias : Module<long, Tensor>
{
    private readonly Embedding bias;
    private readonly int buckets, maxDistance;

    public RelativePositionBias(int heads, int buckets, int maxLength) : base(nameof(RelativePositionBias))
    {
        this.buckets = buckets;
        maxDistance = maxLength;
        bias = Embedding(buckets, heads);
        RegisterComponents();
    }

    /// <summary>(H, L, L) biases for a sequence of length L.</summary>
    public override Tensor forward(long length)
    {
        using var scope = NewDisposeScope();
        var device = bias.weight!.device;
        var position = arange(length, dtype: ScalarType.Int64, device: device);
        var distance = (position.unsqueeze(1) - position.unsqueeze(0)).clamp_min(0);
        return bias.call(Bucket(distance)).permute(2, 0, 1).MoveToOuterDisposeScope();
    }

    internal Tensor Bucket(Tensor distance)
    {
        long exact = Math.Max(1, buckets / 2);
        if (exact >= buckets || maxDistance <= exact) return distance.clamp_max(buckets - 1);
        var logDistance = (distance.to_type(ScalarType.Float32) / exact).clamp_min(1).log()
                          / Math.Log((double)maxDistance / exact) * (buckets - exact);
        var far = (logDistance.to_type(ScalarType.Int64) + exact).clamp_max(buckets - 1);
        return where(distance < exact, distance, far);
    }
}
