using TorchSharp;
using static TorchSharp.torch;
using static Rsir.Tests.Models.TinyBackbones;

namespace Rsir.Tests.Models;

/// <summary>A fact that runs only where torch.cuda.is_available(); elsewhere it is reported as skipped.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!torch.cuda.is_available()) Skip = "CUDA is not available here (torch.cuda.is_available() is false); this test runs on a GPU machine only.";
    }
}

public class CudaBackboneTests
{
    [CudaFact]
    public void Every_backbone_matches_its_cpu_outputs_and_trains_on_cuda()
    {
        foreach (var kind in new[] { "sasrec", "cl4srec", "hstu" })
        {
            using var scope = NewDisposeScope();
            using var onCpu = Create(kind, dropout: 0.1);
            using var onGpu = Create(kind, dropout: 0.1);
            onGpu.load_state_dict(onCpu.state_dict());
            onGpu.to(CUDA);
            onCpu.eval();
            onGpu.eval();

            var items = RandomItems(3, 10, seed: 1);
            var expected = onCpu.Encode(items);
            var actual = onGpu.Encode(items.to(CUDA)).cpu();
            double gap = (expected - actual).abs().max().item<float>();
            Assert.True(gap < 1e-4, $"{kind}: CPU and CUDA outputs differ by {gap:G3}");

            onGpu.train();
            var sequences = RuleSequences(count: 8, length: 8, seed: 2);
            using var optimiser = optim.Adam(onGpu.parameters(), lr: 0.01);
            var loss = NextItemLoss(onGpu, sequences);
            var auxiliary = onGpu.AuxiliaryLoss(sequences.Select(s => s[..^1]).ToList(), new Random(3));
            if (auxiliary is not null)
            {
                Assert.Equal(DeviceType.CUDA, auxiliary.device_type);
                loss = loss + auxiliary;
            }
            Assert.Equal(DeviceType.CUDA, loss.device_type);
            loss.backward();
            optimiser.step();
            Assert.True(float.IsFinite(loss.item<float>()), $"{kind}: loss on CUDA is {loss.item<float>()}");
        }
    }
}
