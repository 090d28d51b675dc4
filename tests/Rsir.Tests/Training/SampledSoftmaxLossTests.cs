using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Training;

public class SampledSoftmaxLossTests
{
    /// <summary>The CPU path computes its gradients in the forward pass, chunk by chunk; it must give the plain
    /// definition's loss and autograd gradients, for any upstream gradient and across chunk edges.</summary>
    [Fact]
    public void Gradients_computed_in_the_forward_pass_equal_autograd_of_the_plain_definition()
    {
        manual_seed(11);
        const int positions = 150, candidates = 9, dim = 8, items = 30;   // 150 positions: three chunks, the last partial
        var hiddenValues = randn(positions, dim);
        var tableValues = randn(items + 1, dim) * 0.5;
        var ids = randint(1, items + 1, new long[] { positions, candidates });

        (float Loss, Tensor HiddenGrad, Tensor TableGrad) Run(Func<Tensor, Tensor, Tensor> loss)
        {
            var hidden = hiddenValues.clone().requires_grad_(true);
            var table = tableValues.clone().requires_grad_(true);
            var value = loss(hidden, table);
            (value * 0.37).backward();
            return (value.item<float>(), hidden.grad!.clone(), table.grad!.clone());
        }

        var plain = Run((h, t) => SampledSoftmaxLoss.CandidateLoss(h, t, ids));
        var fused = Run((h, t) => SampledSoftmaxWithGradients.apply(h, t, ids));

        Assert.Equal(plain.Loss, fused.Loss, 2);
        Assert.True(plain.Loss > 100);   // 150 positions × about log 9 each: not a trivially small sum
        Assert.True(allclose(plain.HiddenGrad, fused.HiddenGrad, rtol: 1e-4, atol: 1e-6));
        Assert.True(allclose(plain.TableGrad, fused.TableGrad, rtol: 1e-4, atol: 1e-6));
        Assert.True(plain.TableGrad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Without_gradients_the_loss_is_the_plain_definition_for_the_same_draws()
    {
        manual_seed(3);
        var group = Rsir.Training.TrainingBatches.Step(new[] { new[] { 1, 2, 3, 4 }, new[] { 5, 6, 7 } }, 20, 1000, CPU).Groups[0];
        var hidden = randn(group.Positions, 4);
        var table = randn(21, 4).requires_grad_(true);
        var loss = new SampledSoftmaxLoss(5);
        using var first = new DeviceRandom(9, CPU);
        using var second = new DeviceRandom(9, CPU);
        float withGradients = loss.Sum(hidden, group, table, first, ExecutionPaths.Cpu).item<float>();
        float plain;
        using (no_grad()) plain = loss.Sum(hidden, group, table, second, ExecutionPaths.Cpu).item<float>();
        Assert.Equal(plain, withGradients, 4);
    }

    /// <summary>The accelerator's path (plain autograd), forced on the CPU, against the CPU's chunked gradients: same
    /// draws, same loss, same gradients.</summary>
    [Fact]
    public void The_accelerator_path_gives_the_cpu_paths_loss_and_gradients()
    {
        manual_seed(4);
        var rows = Enumerable.Range(0, 30).Select(i => Enumerable.Range(1 + i, 3 + i % 9).ToArray()).ToArray();
        var group = Rsir.Training.TrainingBatches.Step(rows, 60, 1000, CPU).Groups[0];
        var hiddenValues = randn(group.Positions, 8);
        var tableValues = randn(61, 8) * 0.3;
        (float Loss, Tensor HiddenGrad, Tensor TableGrad) Run(ExecutionPaths paths)
        {
            var hidden = hiddenValues.clone().requires_grad_(true);
            var table = tableValues.clone().requires_grad_(true);
            using var random = new DeviceRandom(9, CPU);
            var value = new SampledSoftmaxLoss(256).Sum(hidden, group, table, random, paths);
            value.backward();
            return (value.item<float>(), hidden.grad!.clone(), table.grad!.clone());
        }
        var cpu = Run(ExecutionPaths.Cpu);
        var accelerator = Run(ExecutionPaths.Accelerator);
        Assert.True(group.Positions > 64);   // more than one chunk of the CPU path
        Assert.Equal(cpu.Loss, accelerator.Loss, 2);
        Assert.True(allclose(cpu.HiddenGrad, accelerator.HiddenGrad, rtol: 1e-4, atol: 1e-6));
        Assert.True(allclose(cpu.TableGrad, accelerator.TableGrad, rtol: 1e-4, atol: 1e-6));
    }
}
