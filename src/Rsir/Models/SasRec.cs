using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rsir.Models;

/// <summary>
/// SASRec (Kang &amp; McAuley, ICDM 2018) as RSIR trains it: item + learned position embeddings, dropout, a stack of
/// post-LN transformer layers with causal self-attention, and the item table shared as the output layer.
/// </summary>
public sealed class SasRec : SequentialRecommender
{
    private readonly Embedding items;
    private readonly Embedding positions;
    private readonly FastDropout inputDropout;
    private readonly ModuleList<TransformerLayer> layers;

    public SasRec(int itemCount, BackboneOptions? options = null, int extraTokens = 0)
        : base(nameof(SasRec), (options ?? new BackboneOptions()).Validate(), itemCount)
    {
        items = Embedding(itemCount + 1 + extraTokens, Dim, padding_idx: 0);
        positions = Embedding(MaxLength, Dim);
        inputDropout = new FastDropout(Options.Dropout);
        layers = new ModuleList<TransformerLayer>(Enumerable.Range(0, Options.Layers)
            .Select(_ => new TransformerLayer(Options)).ToArray());
        RegisterComponents();
        InitialiseWeights();
        foreach (var layer in layers) layer.InitialiseProjection();
        using (no_grad())
        using (NewDisposeScope()) items.weight![0].zero_();
    }

    public override Tensor ItemTable => items.weight!.narrow(0, 0, VocabularySize);

    /// <summary>The embedding of any token id, including extra tokens such as CL4SRec's [mask].</summary>
    internal Embedding TokenEmbedding => items;

    public override Tensor forward(Tensor itemIds)
    {
        long length = itemIds.shape[1];
        var positionIds = arange(length, device: itemIds.device);
        var x = inputDropout.call(items.call(itemIds) + positions.call(positionIds));
        foreach (var layer in layers) x = layer.call(x);
        return x;
    }
}

/// <summary>One post-LN transformer encoder layer: x = LN(x + Drop(Attn(x))); x = LN(x + Drop(FFN(x))).</summary>
internal sealed class TransformerLayer : Module<Tensor, Tensor>
{
    private readonly CausalSelfAttention attention;
    private readonly LayerNorm attentionNorm;
    private readonly Linear expand, contract;
    private readonly GELU activation;
    private readonly FastDropout attentionDropout, feedForwardDropout, outputDropout;
    private readonly LayerNorm feedForwardNorm;

    public TransformerLayer(BackboneOptions o) : base(nameof(TransformerLayer))
    {
        attention = new CausalSelfAttention(o.Dim, o.Heads, o.Dropout);
        attentionNorm = LayerNorm(o.Dim, o.LayerNormEps);
        expand = Linear(o.Dim, o.FeedForward);
        contract = Linear(o.FeedForward, o.Dim);
        activation = GELU();
        attentionDropout = new FastDropout(o.Dropout);
        feedForwardDropout = new FastDropout(o.Dropout);
        outputDropout = new FastDropout(o.Dropout);
        feedForwardNorm = LayerNorm(o.Dim, o.LayerNormEps);
        RegisterComponents();
    }

    internal void InitialiseProjection() => attention.InitialiseProjection();

    public override Tensor forward(Tensor x)
    {
        x = attentionNorm.call(x + attentionDropout.call(attention.call(x)));
        var feedForward = contract.call(feedForwardDropout.call(activation.call(expand.call(x))));
        return feedForwardNorm.call(x + outputDropout.call(feedForward));
    }
}

/// <summary>
/// Multi-head self-attention with a causal mask. Sequences are post-padded, so a real position only ever attends to
/// real positions and the causal mask alone gives the same outputs as causal + key-padding masks.
/// </summary>
internal sealed class CausalSelfAttention : Module<Tensor, Tensor>, IAttentionWork
{
    private readonly Linear queryKeyValue, output;
    private readonly int heads;
    private readonly double dropout;

    public CausalSelfAttention(int dim, int heads, double dropout) : base(nameof(CausalSelfAttention))
    {
        this.heads = heads;
        this.dropout = dropout;
        queryKeyValue = Linear(dim, 3 * dim);
        output = Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>PyTorch's MultiheadAttention keeps its input projection as a bare parameter with Xavier-uniform
    /// init, so the N(0, 0.02) rule never reaches it; we do the same.</summary>
    internal void InitialiseProjection()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        init.xavier_uniform_(queryKeyValue.weight);
        init.zeros_(queryKeyValue.bias!);
    }

    /// <summary>QKᵀ and AV over the causal half (position t attends to t + 1 keys).</summary>
    public double AttentionFlops(long batch, long length) => 2.0 * batch * length * (length + 1) * queryKeyValue.weight!.shape[1];

    public override Tensor forward(Tensor x)
    {
        long batch = x.shape[0], length = x.shape[1], dim = x.shape[2];
        var qkv = queryKeyValue.call(x).view(batch, length, 3, heads, dim / heads).permute(2, 0, 3, 1, 4);
        var attended = functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2],
            null, training ? dropout : 0.0, true); // last argument: causal (TorchSharp spells it is_casual)
        return output.call(attended.transpose(1, 2).reshape(batch, length, dim));
    }
}
