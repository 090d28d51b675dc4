using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Models;

/// <summary>
/// What every backbone offers the trainer, the evaluator and the RSIR generator/judge: hidden states for a batch of
/// post-padded item sequences, and scores over the whole catalogue by a dot product with the item table.
/// A backbone knows nothing of losses, optimisers or RSIR.
/// </summary>
public abstract class SequentialRecommender : nn.Module<Tensor, Tensor>
{
    protected SequentialRecommender(string name, BackboneOptions options, int itemCount) : base(name)
    {
        Options = options;
        ItemCount = itemCount;
    }

    public BackboneOptions Options { get; }
    /// <summary>Catalogue size: item ids run 1..ItemCount, 0 is padding.</summary>
    public int ItemCount { get; }
    public int VocabularySize => ItemCount + 1;
    public int Dim => Options.Dim;
    public int MaxLength => Options.MaxLength;

    /// <summary>The (ItemCount + 1) × Dim rows that score items; row 0 is padding. May be a fresh view: read it inside
    /// a dispose scope.</summary>
    public abstract Tensor ItemTable { get; }

    /// <summary>The device the model's weights are on (reads <see cref="ItemTable"/> without leaving a view behind).</summary>
    public Device Device
    {
        get
        {
            using var scope = NewDisposeScope();
            return ItemTable.device;
        }
    }

    /// <summary>Hidden states (B, L, Dim) for post-padded item ids (B, L), L ≤ MaxLength.</summary>
    public Tensor Encode(Tensor items)
    {
        if (items.dim() != 2)
            throw new ArgumentException($"Encode expects item ids of shape (batch, length); got ({string.Join(", ", items.shape)}).");
        if (items.shape[1] > MaxLength)
            throw new ArgumentException($"Sequence length {items.shape[1]} exceeds the backbone's maximum {MaxLength}.");
        if (items.dtype != ScalarType.Int64)
            throw new ArgumentException($"Item ids must be int64; got {items.dtype}.");
        return forward(items);
    }

    /// <summary>Hidden state at each row's last real position: (B, Dim). <paramref name="lengths"/> are ≥ 1.</summary>
    public Tensor EncodeLast(Tensor items, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var hidden = Encode(items);
        var index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, Dim);
        return hidden.gather(1, index).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Scores over all ids 0..ItemCount for hidden states (..., Dim).</summary>
    public Tensor ScoreAll(Tensor hidden)
    {
        if (hidden.shape[^1] != Dim)
            throw new ArgumentException($"Hidden states must end in dimension {Dim}; got ({string.Join(", ", hidden.shape)}).");
        return hidden.matmul(ItemTable.t());
    }

    /// <summary>
    /// A backbone's own extra training objective (CL4SRec's contrastive term), already weighted; none by default.
    /// Called once per optimiser step with the input sequences (oldest first, no padding) of the whole batch.
    /// </summary>
    public virtual Tensor? AuxiliaryLoss(IReadOnlyList<int[]> batchInputs, Random random) => null;

    /// <summary>Post-pads sequences into a (B, L) int64 tensor on this module's device, L = longest (≤ MaxLength,
    /// longer sequences keep their last MaxLength items). Returns the ids and the lengths.</summary>
    public (Tensor Items, Tensor Lengths) Pad(IReadOnlyList<int[]> sequences, Device device)
    {
        if (sequences.Count == 0) throw new ArgumentException("Pad needs at least one sequence.");
        int length = Math.Min(MaxLength, sequences.Max(s => s.Length));
        var ids = new long[sequences.Count * length];
        var lengths = new long[sequences.Count];
        for (int b = 0; b < sequences.Count; b++)
        {
            var s = sequences[b];
            if (s.Length == 0) throw new ArgumentException($"Sequence {b} is empty.");
            int n = Math.Min(length, s.Length), start = s.Length - n;
            for (int t = 0; t < n; t++) ids[b * length + t] = s[start + t];
            lengths[b] = n;
        }
        return (tensor(ids, new long[] { sequences.Count, length }, device: device),
                tensor(lengths, device: device));
    }

    /// <summary>Makes every dropout layer follow <paramref name="paths"/> (null: by the input's device).</summary>
    public void UseExecutionPaths(Runtime.ExecutionPaths? paths)
    {
        foreach (var module in modules().OfType<FastDropout>()) module.UniformMasks = paths?.UniformDropoutMasks;
    }

    /// <summary>N(0, 0.02) for embeddings and linear layers, zero biases and padding row, unit LayerNorms.</summary>
    protected void InitialiseWeights(double std = 0.02)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();   // the handles the init functions return
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case TorchSharp.Modules.Linear linear:
                    nn.init.normal_(linear.weight, 0, std);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case TorchSharp.Modules.Embedding embedding:
                    nn.init.normal_(embedding.weight, 0, std);
                    break;
                case TorchSharp.Modules.LayerNorm norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }
}

/// <summary>A module whose forward pass multiplies attention matrices: their floating-point work for a (B, L, ·) input,
/// for the phase clock's roofline.</summary>
public interface IAttentionWork
{
    double AttentionFlops(long batch, long length);
}
