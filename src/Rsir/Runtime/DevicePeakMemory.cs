using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>
/// The peak GPU memory in use during a phase, sampled every 10 ms through NVML (the NVIDIA driver's library), since
/// TorchSharp 0.107 exposes none of torch.cuda's memory statistics. It counts what libtorch's caching allocator holds
/// on the device (the memory a run actually needs from the GPU), relative to the use when the phase started.
/// </summary>
public sealed class DevicePeakMemory : IDisposable
{
    private readonly IntPtr handle;
    private readonly ulong atStart;
    private readonly Thread sampler;
    private volatile bool stopping;
    private ulong peak;

    private DevicePeakMemory(IntPtr handle, ulong used)
    {
        this.handle = handle;
        atStart = peak = used;
        sampler = new Thread(Sample) { IsBackground = true, Name = "device memory sampler" };
        sampler.Start();
    }

    /// <summary>Starts sampling <paramref name="device"/>; null on the CPU or where NVML cannot be loaded.</summary>
    public static DevicePeakMemory? Start(Device device)
    {
        if (device.type != DeviceType.CUDA) return null;
        try
        {
            if (Nvml.nvmlInit_v2() != 0) return null;
            if (Nvml.nvmlDeviceGetHandleByIndex_v2((uint)Math.Max(0, (int)device.index), out var handle) != 0) return null;
            return Nvml.nvmlDeviceGetMemoryInfo(handle, out var memory) == 0 ? new DevicePeakMemory(handle, memory.Used) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The highest use seen so far minus the use at the start, in bytes.</summary>
    public long PeakBytes
    {
        get
        {
            Poll();
            return (long)(Interlocked.Read(ref peak) - atStart);
        }
    }

    private void Sample()
    {
        while (!stopping)
        {
            Poll();
            Thread.Sleep(10);
        }
    }

    private void Poll()
    {
        if (Nvml.nvmlDeviceGetMemoryInfo(handle, out var memory) != 0) return;
        ulong seen;
        while (memory.Used > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, memory.Used, seen) != seen) { }
    }

    public void Dispose()
    {
        stopping = true;
        sampler.Join();
    }

    private static class Nvml
    {
        private const string Library = "libnvidia-ml.so.1";

        [StructLayout(LayoutKind.Sequential)]
        public struct Memory { public ulong Total, Free, Used; }

        [DllImport(Library)] public static extern int nvmlInit_v2();
        [DllImport(Library)] public static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);
        [DllImport(Library)] public static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out Memory memory);
    }
}
