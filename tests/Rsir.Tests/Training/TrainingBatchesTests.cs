using Rsir.Data;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Training;

public class TrainingBatchesTests
{
    [Fact]
    public void Group_boundaries_trade_padding_against_group_cost()
    {
        var lengths = new[] { 2, 2, 3, 3, 40 };
        Assert.Single(LengthGroups.Boundaries(lengths, groupCost: 1000));
        var split = LengthGroups.Boundaries(lengths, groupCost: 0);
        Assert.Equal(new[] { (0, 2), (2, 4), (4, 5) }, split);
        // Contiguous and covering every row once.
        var mid = LengthGroups.Boundaries(lengths, groupCost: 50);
        Assert.Equal(0, mid[0].From);
        Assert.Equal(5, mid[^1].To);
        for (int i = 1; i < mid.Count; i++) Assert.Equal(mid[i - 1].To, mid[i].From);
        Assert.Equal(2, mid.Count);   // {2,2,3,3} and {40}: 4·3 + 40 + 2·50 = 152 < 5·40 + 50
    }

    [Fact]
    public void Length_grouping_gives_the_same_loss_and_gradients_as_one_padded_batch()
    {
        torch.manual_seed(5);
        var model = new SasRec(40, new BackboneOptions { Dim = 8, Heads = 2, FeedForward = 16, Layers = 2, MaxLength = 20 });
        model.eval();   // no dropout: the loss is a deterministic function of the batch
        var random = new Random(1);
        var sequences = Enumerable.Range(0, 12).Select(i =>
            Enumerable.Range(0, i == 0 ? 18 : random.Next(2, 6)).Select(_ => random.Next(1, 41)).ToArray()).ToArray();
        var trainer = new Trainer(new TrainingOptions { Loss = LossKind.FullSoftmax });

        (double Loss, float[] Gradient) Run(int groupCost)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            var step = TrainingBatches.Step(sequences, 40, groupCost, CPU);
            using var random = new DeviceRandom(1, CPU);
            var loss = trainer.StepLoss(model, step, new Random(1), random, ExecutionPaths.Cpu);
            loss.backward();
            return (loss.item<float>(), model.parameters().SelectMany(p => p.grad!.data<float>().ToArray()).ToArray());
        }

        var oneGroup = Run(groupCost: 100000);
        var manyGroups = Run(groupCost: 0);
        Assert.Equal(oneGroup.Loss, manyGroups.Loss, 5);
        for (int i = 0; i < oneGroup.Gradient.Length; i++)
            Assert.Equal(oneGroup.Gradient[i], manyGroups.Gradient[i], 5);
    }

    [Fact]
    public void Positions_cover_exactly_each_rows_real_inputs_and_next_items()
    {
        var sequences = new[] { new[] { 4, 5, 6 }, new[] { 7, 8 } };
        var step = TrainingBatches.Step(sequences, 10, 1000, CPU);
        Assert.Equal(3, step.Positions);                        // (4→5, 5→6) and (7→8)
        var group = Assert.Single(step.Groups);
        Assert.Equal(new long[] { 7, 0, 4, 5 }, group.Inputs.data<long>().ToArray());   // shortest first, post-padded
        Assert.Equal(new long[] { 8, 5, 6 }, group.Targets.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 2, 3 }, group.PositionIndex.data<long>().ToArray());
        Assert.Equal(new[] { new[] { 4, 5 }, new[] { 7 } }, step.Inputs);
    }

    /// <summary>The accelerator's batching (rows uploaded once, each batch one padded group gathered on the device),
    /// forced on the CPU: the same loss and gradients as the CPU's host length groups, for the full softmax and for
    /// the sampled softmax when both draw the same negatives for the same positions.</summary>
    [Theory]
    [InlineData(LossKind.FullSoftmax)]
    [InlineData(LossKind.SampledSoftmax)]
    public void Rows_gathered_on_the_device_give_the_host_groups_loss_and_gradients(LossKind lossKind)
    {
        torch.manual_seed(5);
        var model = new SasRec(40, new BackboneOptions { Dim = 8, Heads = 2, FeedForward = 16, Layers = 2, MaxLength = 20 });
        model.eval();
        var random = new Random(2);
        var rows = Enumerable.Range(1, 16).Select(u => new TrainingRow(u,
            Enumerable.Range(0, u == 3 ? 25 : random.Next(2, 9)).Select(_ => random.Next(1, 41)).ToArray(), RowOrigin.Real(u))).ToArray();
        var batch = new[] { 5, 0, 3, 11, 2, 9, 14 };
        var trainer = new Trainer(new TrainingOptions { Loss = lossKind, Negatives = 16 });

        (double Loss, float[] Gradient, int Positions) Run(ExecutionPaths paths, bool hostInBatchOrder)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            using var steps = new TrainingSteps(rows, 40, model.MaxLength, 0, paths, CPU);
            var step = hostInBatchOrder
                ? TrainingBatches.Step(batch.Select(i => TrainingBatches.Input(rows[i], model.MaxLength)).ToArray(), 40, 0, CPU, lengthGroups: false)
                : steps.Step(batch);
            using var negatives = new DeviceRandom(1, CPU);
            var loss = trainer.StepLoss(model, step, new Random(1), negatives, paths);
            loss.backward();
            return (loss.item<float>(), model.parameters().SelectMany(p => p.grad!.data<float>().ToArray()).ToArray(), step.Positions);
        }

        var onDevice = Run(ExecutionPaths.Accelerator, hostInBatchOrder: false);
        var host = Run(ExecutionPaths.Cpu, hostInBatchOrder: lossKind == LossKind.SampledSoftmax);
        Assert.Equal(host.Positions, onDevice.Positions);
        Assert.Equal(batch.Sum(i => Math.Min(rows[i].Items.Length - 1, 20)), onDevice.Positions);   // row 3 keeps its last 20 inputs
        Assert.Equal(host.Loss, onDevice.Loss, 4);
        for (int i = 0; i < host.Gradient.Length; i++)
            Assert.Equal(host.Gradient[i], onDevice.Gradient[i], 4);
    }
}
