using System.Runtime.Intrinsics;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>
/// The item table's gradient from a chunk of the sampled-softmax loss: table[ids[i, c]] += g[i, c] · h[i] for every
/// position i and candidate c. libtorch's <c>index_add_</c> does this one 64-float row per call, in candidate order,
/// and its per-call overhead made it a sixth of a CPU epoch. This loop does the same additions in the same order, each
/// product rounded before it is added (no fused multiply-add), so the sums are bit for bit those of
/// <c>index_add_(0, ids, (g.unsqueeze(2) * h.unsqueeze(1)).view(-1, dim))</c> (tested), without the product tensor.
/// CPU, contiguous float32 only; anything else takes libtorch's path.
/// </summary>
internal static class CandidateGradients
{
    public static void AddOuterProducts(Tensor table, Tensor ids, Tensor g, Tensor h)
    {
        if (!Fits(table, ids, g, h))
        {
            table.index_add_(0, ids, (g.unsqueeze(2) * h.unsqueeze(1)).view(-1, table.shape[1]), 1);
            return;
        }
        using var scope = NewDisposeScope();   // storage<T>() wraps new handles
        unsafe
        {
            Add(HostTensors.Pointer<float>(table), table.shape[0], HostTensors.Pointer<long>(ids), HostTensors.Pointer<float>(g), HostTensors.Pointer<float>(h),
                g.shape[0], g.shape[1], h.shape[1]);
        }
    }

    private static bool Fits(Tensor table, Tensor ids, Tensor g, Tensor h) =>
        HostTensors.IsHost(table, ScalarType.Float32) && HostTensors.IsHost(g, ScalarType.Float32)
        && HostTensors.IsHost(h, ScalarType.Float32) && HostTensors.IsHost(ids, ScalarType.Int64)
        && table.dim() == 2 && g.dim() == 2 && h.dim() == 2 && ids.dim() == 1
        && h.shape[0] == g.shape[0] && h.shape[1] == table.shape[1] && ids.shape[0] == g.shape[0] * g.shape[1];

    private static unsafe void Add(float* table, long rows, long* ids, float* g, float* h, long positions, long candidates, long dim)
    {
        for (long i = 0; i < positions; i++)
        {
            float* hi = h + i * dim;
            for (long c = 0; c < candidates; c++)
            {
                long row = ids[i * candidates + c];
                if ((ulong)row >= (ulong)rows) throw new InvariantException($"Candidate id {row} is outside the item table (0..{rows - 1}).");
                float coefficient = g[i * candidates + c];
                float* target = table + row * dim;
                long k = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    var scale = Vector512.Create(coefficient);
                    for (; k + 16 <= dim; k += 16)
                        Vector512.Store(Vector512.Load(target + k) + Vector512.Load(hi + k) * scale, target + k);
                }
                else if (Vector256.IsHardwareAccelerated)
                {
                    var scale = Vector256.Create(coefficient);
                    for (; k + 8 <= dim; k += 8)
                        Vector256.Store(Vector256.Load(target + k) + Vector256.Load(hi + k) * scale, target + k);
                }
                for (; k < dim; k++) target[k] += hi[k] * coefficient;
            }
        }
    }
}
