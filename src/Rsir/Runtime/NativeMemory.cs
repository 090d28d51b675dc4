using System.Runtime.InteropServices;

namespace Rsir.Runtime;

/// <summary>
/// Keeps libtorch's freed CPU buffers inside the process. glibc serves every allocation above 32 MB with a fresh
/// mmap, so each large temporary (a 1,500 × 12,000 score matrix, its gradient) costs thousands of page faults and
/// a kernel-side zero fill: a third of a SASRec epoch on CPU. Turning mmap off for malloc and raising the trim
/// threshold lets such buffers be reused. Linux/glibc only; a no-op elsewhere.
/// </summary>
internal static class NativeMemory
{
    private const int TrimThreshold = -1, MmapMax = -4;
    private static int configured;
    private static string state = "unchanged (not configured yet)";

    public static string Describe() => state;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    public static void KeepFreedBuffers()
    {
        if (Interlocked.Exchange(ref configured, 1) == 1 || !OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("RSIR_DEFAULT_MALLOC") == "1") { state = "default (RSIR_DEFAULT_MALLOC=1)"; return; }
        try
        {
            MallOpt(MmapMax, 0);
            MallOpt(TrimThreshold, 512 << 20);
            state = "keeps freed buffers (glibc mallopt: no mmap, trim above 512 MiB)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            state = "default (not glibc)";   // e.g. musl: leave the allocator as it is
        }
    }
}
