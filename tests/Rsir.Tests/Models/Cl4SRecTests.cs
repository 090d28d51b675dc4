using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;
using static Rsir.Tests.Models.TinyBackbones;

namespace Rsir.Tests.Models;

public class Cl4SRecTests
{
    [Fact]
    public void InfoNce_matches_a_hand_computed_value()
    {
        // Anchors a1 = (1, 0), a2 = (0, 1); positives p1 = (1, 1), p2 = (0, 2).
        // Row 1: logits [a1·p1, a1·p2, a1·a2] = [1, 0, 0]  (a1·a1 is excluded) → log(e + 2) − 1
        // Row 2: logits [a2·p1, a2·p2, a2·a1] = [1, 2, 0]                    → log(e + e² + 1) − 2
        var anchors = tensor(new float[] { 1, 0, 0, 1 }, new long[] { 2, 2 });
        var positives = tensor(new float[] { 1, 1, 0, 2 }, new long[] { 2, 2 });
        double expected = ((Math.Log(Math.E + 2) - 1) + (Math.Log(Math.E + Math.E * Math.E + 1) - 2)) / 2;
        Assert.Equal(expected, Cl4SRec.InfoNce(anchors, positives).item<float>(), 5);

        // Temperature 0.5 doubles every logit: row 1 [2, 0, 0], row 2 [2, 4, 0].
        double halved = ((Math.Log(Math.Exp(2) + 2) - 2) + (Math.Log(Math.Exp(2) + Math.Exp(4) + 1) - 4)) / 2;
        Assert.Equal(halved, Cl4SRec.InfoNce(anchors, positives, 0.5).item<float>(), 5);
    }

    [Fact]
    public void InfoNce_matches_a_direct_sum_over_2B_minus_2_negatives()
    {
        torch.manual_seed(7);
        int batch = 4, dim = 3;
        var anchors = randn(batch, dim, dtype: ScalarType.Float64);
        var positives = randn(batch, dim, dtype: ScalarType.Float64);
        double[,] a = ToArray(anchors), p = ToArray(positives);
        double Dot(double[,] x, int i, double[,] y, int j) => Enumerable.Range(0, dim).Sum(d => x[i, d] * y[j, d]);

        double total = 0;
        for (int i = 0; i < batch; i++)
        {
            double positive = Math.Exp(Dot(a, i, p, i) / 0.7), denominator = positive;
            for (int j = 0; j < batch; j++)
            {
                if (j == i) continue;
                denominator += Math.Exp(Dot(a, i, p, j) / 0.7) + Math.Exp(Dot(a, i, a, j) / 0.7);
            }
            total += -Math.Log(positive / denominator);
        }
        Assert.Equal(total / batch, Cl4SRec.InfoNce(anchors, positives, 0.7).item<double>(), 10);
    }

    [Fact]
    public void InfoNce_refuses_mismatched_shapes()
    {
        Assert.Throws<Rsir.Runtime.InvariantException>(() => Cl4SRec.InfoNce(zeros(3, 4), zeros(2, 4)));
        Assert.Throws<Rsir.Runtime.InvariantException>(() => Cl4SRec.InfoNce(zeros(3, 4), zeros(3, 5)));
    }

    [Fact]
    public void Item_table_excludes_the_mask_row_which_still_embeds()
    {
        using var scope = NewDisposeScope();
        var model = (Cl4SRec)Create("cl4srec");
        model.eval();
        Assert.Equal(ItemCount + 1, model.MaskId);
        Assert.Equal(new long[] { ItemCount + 1, 16 }, model.ItemTable.shape);
        Assert.Contains(model.named_parameters(), p => p.parameter.shape.SequenceEqual(new long[] { ItemCount + 2, 16 }));

        var withMask = tensor(new long[] { 3, model.MaskId, 7 }, new long[] { 1, 3 });
        var withItem = tensor(new long[] { 3, 9, 7 }, new long[] { 1, 3 });
        var scores = model.ScoreAll(model.Encode(withMask));
        Assert.Equal(new long[] { 1, 3, ItemCount + 1 }, scores.shape);
        Assert.False(model.Encode(withMask).allclose(model.Encode(withItem)));
    }

    [Fact]
    public void Auxiliary_loss_is_the_weighted_contrastive_term_and_trains_the_encoder()
    {
        using var scope = NewDisposeScope();
        var sequences = RuleSequences(count: 6, length: 7, seed: 1);
        var model = (Cl4SRec)Create("cl4srec", dropout: 0.0);
        var doubled = (Cl4SRec)Backbones.Create(Options("cl4srec", dropout: 0.0) with { ContrastiveWeight = 0.2 }, ItemCount);
        doubled.load_state_dict(model.state_dict());

        var loss = model.AuxiliaryLoss(sequences, new Random(3))!;
        var twice = doubled.AuxiliaryLoss(sequences, new Random(3))!;
        Assert.Empty(loss.shape);
        Assert.True(loss.item<float>() > 0);
        Assert.Equal(2 * loss.item<float>(), twice.item<float>(), 5);

        loss.backward();
        var gradients = model.parameters().Select(p => p.grad).Where(g => g is not null).ToList();
        Assert.NotEmpty(gradients);
        Assert.Contains(gradients, g => g!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Length_one_sequences_sit_out_of_the_contrastive_term()
    {
        using var scope = NewDisposeScope();
        var model = (Cl4SRec)Create("cl4srec", dropout: 0.0);
        var sequences = RuleSequences(count: 4, length: 6, seed: 2);
        var withSingles = new List<int[]> { new[] { 4 }, sequences[0], sequences[1], new[] { 9 }, sequences[2], sequences[3] };

        float without = model.AuxiliaryLoss(sequences, new Random(5))!.item<float>();
        float with = model.AuxiliaryLoss(withSingles, new Random(5))!.item<float>();
        Assert.Equal(without, with, 6);
        Assert.Null(model.AuxiliaryLoss(new[] { new[] { 1 }, new[] { 2 }, new[] { 3, 4 } }, new Random(5)));
    }

    [Fact]
    public void Views_differ_between_draws_and_repeat_for_a_seed()
    {
        using var scope = NewDisposeScope();
        var model = (Cl4SRec)Create("cl4srec", dropout: 0.0);
        var sequences = RuleSequences(count: 8, length: 10, seed: 6);
        var losses = Enumerable.Range(0, 6).Select(seed => model.AuxiliaryLoss(sequences, new Random(seed))!.item<float>()).ToArray();
        Assert.True(losses.Distinct().Count() > 1, "every draw gave the same contrastive loss");
        Assert.Equal(losses[2], model.AuxiliaryLoss(sequences, new Random(2))!.item<float>());
    }

    [Fact]
    public void Views_encoded_in_length_groups_equal_one_padded_batch()
    {
        using var scope = NewDisposeScope();
        var model = (Cl4SRec)Create("cl4srec", dropout: 0.0);
        model.eval();
        var random = new Random(4);
        // 600 sequences of lengths 1..30 in shuffled order: several groups, and the order must come back.
        var view = Enumerable.Range(0, 600).Select(_ =>
            Enumerable.Range(0, random.Next(1, 31)).Select(_ => random.Next(1, ItemCount + 1)).ToArray()).ToList();

        var grouped = model.MeanPooled(view);
        var (items, lengths) = model.Pad(view, CPU);
        var hidden = model.Encode(items);
        var padded = (hidden * items.ne(0).unsqueeze(-1).to_type(hidden.dtype)).sum(1) / lengths.unsqueeze(-1).to_type(hidden.dtype);

        Assert.Equal(new long[] { 600, 16 }, grouped.shape);
        Assert.True(grouped.allclose(padded, rtol: 1e-4, atol: 1e-5));
    }

    private static double[,] ToArray(Tensor matrix)
    {
        var values = matrix.data<double>().ToArray();
        var result = new double[matrix.shape[0], matrix.shape[1]];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }
}
