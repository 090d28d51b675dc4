using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>A measured matrix-product rate: (M × K) · (K × N) in <see cref="Type"/>.</summary>
public sealed record MatmulShape(string Name, long M, long K, long N, ScalarType Type, double GflopPerSecond)
{
    public double FlopsPerProduct => 2.0 * M * K * N;
}

/// <summary>
/// The machine's matrix-product rate through TorchSharp, measured: the ceiling a phase made of matrix products can reach
/// on this device (the roofline's flat part). Each shape is multiplied repeatedly for a fixed time after a warm-up; the
/// rate is the best of three such windows, so a moment of contention does not count against the machine.
/// </summary>
public static class MatmulRate
{
    public static MatmulShape Measure(string name, long m, long k, long n, ScalarType type, Device device, double seconds = 0.3)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(m, k, device: device).to(type);
        var b = randn(k, n, device: device).to(type);
        a.matmul(b);
        double best = 0;
        for (int window = 0; window < 3; window++)
        {
            long products = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds / 3)
            {
                using (NewDisposeScope()) a.matmul(b);
                products++;
                if (device.type == DeviceType.CUDA) cuda.synchronize(device);
            }
            best = Math.Max(best, 2.0 * m * k * n * products / clock.Elapsed.TotalSeconds / 1e9);
        }
        return new MatmulShape(name, m, k, n, type, best);
    }
}
