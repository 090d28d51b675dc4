using Rsir.Data;
using static TorchSharp.torch;

namespace Rsir.Models;

/// <summary>
/// The popularity baseline as a backbone: every user gets the same scores, log(1 + training count) per item. It has
/// no parameters to train; it exists so the evaluator ranks it under exactly the protocol the learned models face.
/// </summary>
public sealed class Popularity : SequentialRecommender
{
    private readonly Tensor table;

    public Popularity(Dataset data)
        : base(nameof(Popularity), new BackboneOptions { Kind = "popularity", Dim = 1, Heads = 1, Layers = 1 }, data.ItemCount)
    {
        var counts = new float[data.ItemCount + 1];
        foreach (var row in data.TrainRows)
            foreach (var item in row.Items) counts[item]++;
        table = tensor(counts.Select(c => (float)Math.Log(1 + c)).ToArray()).view(-1, 1);
        register_buffer("table", table);
    }

    public override Tensor ItemTable => table;

    public override Tensor forward(Tensor items) => ones(items.shape[0], items.shape[1], 1, device: table.device);
}
