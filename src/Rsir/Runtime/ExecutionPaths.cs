using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>
/// The places where a run executes differently on the CPU and on an accelerator, for speed only: each pair computes
/// the same quantity (tested against each other on the CPU). <see cref="For"/> picks by device; tests and the self-test
/// force the other paths on the CPU.
/// </summary>
public sealed record ExecutionPaths
{
    /// <summary>Sampled softmax with its gradients computed in the forward pass, in cache-sized chunks (CPU), or plain
    /// autograd (accelerator, where the memory traffic is cheap).</summary>
    public bool ChunkedLossGradients { get; init; }

    /// <summary>Dropout masks drawn as uniform ≥ p (CPU: four times faster than libtorch's Bernoulli sampler), or
    /// libtorch's fused dropout (accelerator).</summary>
    public bool UniformDropoutMasks { get; init; }

    /// <summary>Each batch split into length groups built on the host (CPU: no padded positions computed), or the
    /// training rows uploaded once per run and each batch gathered on the device as one padded group (accelerator:
    /// one large kernel beats several small ones, and nothing crosses the bus per step).</summary>
    public bool HostLengthGroups { get; init; }

    public static readonly ExecutionPaths Cpu = new() { ChunkedLossGradients = true, UniformDropoutMasks = true, HostLengthGroups = true };
    public static readonly ExecutionPaths Accelerator = new();

    public static ExecutionPaths For(Device device) => device.type == DeviceType.CPU ? Cpu : Accelerator;
}
