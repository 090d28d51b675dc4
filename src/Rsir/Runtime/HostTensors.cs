using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>Direct access to the memory of CPU tensors, for the few loops that do in one pass what libtorch does in
/// several calls (and bit for bit the same). Callers check <see cref="IsHost"/> and fall back to libtorch otherwise.</summary>
internal static class HostTensors
{
    /// <summary>On the CPU, of <paramref name="dtype"/>, contiguous.</summary>
    public static bool IsHost(Tensor t, ScalarType dtype) =>
        t.device_type == DeviceType.CPU && t.dtype == dtype && t.is_contiguous();

    /// <summary>The address of the first element. Call inside a dispose scope: <c>storage&lt;T&gt;()</c> makes a handle.</summary>
    public static unsafe T* Pointer<T>(Tensor t) where T : unmanaged =>
        (T*)t.storage<T>().data_ptr() + t.storage_offset();
}
