using System.Runtime;

namespace Rsir.Runtime;

/// <summary>
/// The process-wide settings a libtorch process needs, applied once by <see cref="ComputeDevice.EnsureLibTorch"/>
/// (whatever the front end: the CLI, a notebook kernel, a test host, your own program) and recorded in every run's
/// <c>run.json</c> (<see cref="Describe"/>):
/// <list type="bullet">
/// <item>No background garbage collection. A TorchSharp temporary (an implicit <c>Scalar</c>) finalized on the GC's
/// thread while a native operation runs aborted a long run; our executables are built with concurrent GC off, but a
/// notebook kernel is not, so the latency mode is set here for every host.</item>
/// <item>TF32 matrix products on CUDA, on or off as the run's options say (recorded, not applied, here).</item>
/// <item>The native allocator keeps freed buffers (<see cref="NativeMemory"/>; <c>RSIR_DEFAULT_MALLOC=1</c> opts out).</item>
/// </list>
/// </summary>
public static class ProcessSettings
{
    internal static void ApplyForLibTorch()
    {
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        NativeMemory.KeepFreedBuffers();
    }

    /// <summary>What is in force, e.g. "gc Batch (no background GC), malloc keeps freed buffers …, tf32 off"; TF32 is
    /// process-wide in libtorch and set by each run from its options (<see cref="ComputeDevice.SetTf32"/>).</summary>
    public static string Describe() =>
        $"gc {GCSettings.LatencyMode}{(GCSettings.LatencyMode == GCLatencyMode.Batch ? " (no background GC)" : "")}, " +
        $"malloc {NativeMemory.Describe()}, tf32 {(ComputeDevice.Tf32Allowed ? "on" : "off")}";
}
