using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Models;

/// <summary>
/// Dropout that draws its CPU mask as <c>rand ≥ p</c> instead of through libtorch's per-element Bernoulli sampler,
/// which is about four times slower and costs more than the whole rest of a SASRec forward pass on CPU. Same
/// distribution (keep with probability 1−p, scale by 1/(1−p)), same seeded torch generator; on the CPU the mask is
/// drawn by <see cref="Runtime.CpuGeneratorReplay"/> (libtorch's numbers, without its one-at-a-time draws). On CUDA it
/// is the fused nn.functional.dropout.
/// </summary>
public sealed class FastDropout : nn.Module<Tensor, Tensor>
{
    private readonly double p;

    public FastDropout(double p) : base(nameof(FastDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1); got {p}.");
        this.p = p;
    }

    /// <summary>Mask as uniform ≥ p (true) or libtorch's fused dropout (false); null: the first on the CPU, the second
    /// elsewhere (<see cref="Runtime.ExecutionPaths.UniformDropoutMasks"/>).</summary>
    public bool? UniformMasks { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (!training || p == 0) return input.alias();
        if (!(UniformMasks ?? input.device_type == DeviceType.CPU)) return nn.functional.dropout(input, p, true);
        if (input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 && input.is_contiguous())
        {
            // The same mask as below from the same default generator, drawn by the replay (libtorch draws one at a time).
            using var replayed = Runtime.CpuGeneratorReplay.KeepMask(Runtime.CpuGeneratorReplay.DefaultGenerator, input.shape, (float)p, (float)(1.0 / (1.0 - p)));
            return input * replayed;
        }
        using var keep = rand_like(input).ge_(p);
        return input * keep.mul_(1.0 / (1.0 - p));
    }
}
