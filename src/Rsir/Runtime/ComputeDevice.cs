using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>
/// Picks the device everything runs on. "auto" is CUDA when a CUDA libtorch is loaded and a GPU is visible, else CPU.
/// An existing PyTorch installation can provide libtorch: set RSIR_LIBTORCH to its torch/lib folder (see environment/).
/// </summary>
public static class ComputeDevice
{
    public const string LibTorchVariable = "RSIR_LIBTORCH";
    private static readonly object Gate = new();
    private static bool initialised;
    private static string preloadReport = "";

    public static Device Resolve(string? name = "auto")
    {
        EnsureLibTorch();
        string requested = (name ?? "auto").Trim().ToLowerInvariant();
        if (requested == "auto") return CudaAvailable() ? CUDA : CPU;
        if (requested == "cpu") return CPU;
        if (requested.StartsWith("cuda"))
        {
            if (!CudaAvailable())
                throw new InvalidOperationException(
                    $"CUDA was asked for ('{name}') but no CUDA libtorch could be loaded. Tried: the libtorch packaged with " +
                    $"this build (TorchBackend, see environment/README.md){preloadReport}; {LibTorchVariable} is " +
                    $"{(Environment.GetEnvironmentVariable(LibTorchVariable) is { } v ? $"'{v}'" : "not set")}, LD_LIBRARY_PATH is " +
                    $"{(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { } l ? $"'{l}'" : "not set")}. " +
                    "Point RSIR_LIBTORCH at a CUDA PyTorch's torch/lib, or build with -p:TorchBackend=cuda.");
            return torch.device(requested);
        }
        throw new ArgumentException($"Unknown device '{name}'; use auto, cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// TF32 for float32 matrix products and convolutions on CUDA (Ampere and later: about 8× the fp32 tensor-core rate,
    /// 10-bit mantissa). Process-wide, as in PyTorch; no effect on the CPU. Off by default, as in PyTorch.
    /// </summary>
    public static void SetTf32(bool allow)
    {
        EnsureLibTorch();
        torch.backends.cuda.matmul.allow_tf32 = allow;
        torch.backends.cudnn.allow_tf32 = allow;
    }

    public static bool Tf32Allowed => torch.backends.cuda.matmul.allow_tf32;

    public static bool CudaAvailable()
    {
        EnsureLibTorch();
        try
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
            return torch.cuda.is_available();
        }
        catch (Exception) { return false; }
    }

    public static string Describe(Device device) => device.type == DeviceType.CUDA
        ? $"cuda ({torch.cuda.device_count()} GPU(s))"
        : $"cpu ({torch.get_num_threads()} threads)";

    /// <summary>Once per process, before torch is used: apply <see cref="ProcessSettings"/> (no background GC, the
    /// native allocator's settings), load libtorch from RSIR_LIBTORCH before TorchSharp looks for it, and
    /// <see cref="SettleCpuKernels"/>.</summary>
    public static void EnsureLibTorch()
    {
        lock (Gate)
        {
            if (initialised) return;
            initialised = true;
            ProcessSettings.ApplyForLibTorch();
            PreloadFromVariable();
            SettleCpuKernels();
        }
    }

    private static void PreloadFromVariable()
    {
        var folder = Environment.GetEnvironmentVariable(LibTorchVariable);
        if (string.IsNullOrWhiteSpace(folder)) return;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{LibTorchVariable} points to '{folder}', which is not a folder.");
        var loaded = new List<string>();
        foreach (var lib in new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" })
        {
            var path = Path.Combine(folder, lib);
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out _)) loaded.Add(lib);
        }
        preloadReport = $", {LibTorchVariable} ({string.Join(", ", loaded)} loaded from {folder})";
    }

    /// <summary>
    /// One small call of each CPU math kernel a run uses, on this thread, before any run. Without it the first
    /// training step of a fresh process sometimes computes <c>logsumexp</c> a few ulps differently (its logits
    /// bit-identical), so a fixed-seed run's numbers depended on timing: 4 of 40 fresh processes, 0 of 40 with an
    /// <c>exp</c> first (2026-12-01, 2-vCPU Xeon, CPU libtorch 2.10 with MKL). No random numbers are drawn.
    /// </summary>
    private static void SettleCpuKernels()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = linspace(0.25, 2.0, 64).view(8, 8);
        _ = x.exp(); _ = x.log(); _ = x.logsumexp(1); _ = x.softmax(1); _ = x.log_softmax(1);
        _ = x.tanh(); _ = x.sigmoid(); _ = x.erf(); _ = x.sqrt(); _ = x.rsqrt(); _ = x.pow(2).sum();
        _ = x.mm(x); _ = x.view(2, 4, 8).bmm(x.view(2, 8, 4));
    }
}
