using System.Runtime.InteropServices;

namespace Rsir.Interactive;

/// <summary>
/// libtorch's CPU kernels run on GNU OpenMP, whose threads spin while they wait for work. When the cores are shared
/// (a second training, the test suite, another notebook), spinning threads steal the time the working ones need:
/// on this project's 2-core machines two concurrent SASRec trainings took 12 s per epoch each with the default policy
/// and 1 s with <c>OMP_WAIT_POLICY=PASSIVE</c>. libgomp reads the variable once, when libtorch is loaded, so
/// <see cref="Workbench.Setup"/> sets it (in the process's native environment) before the first use of torch,
/// unless the user has set it.
/// </summary>
public static class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    private static extern IntPtr GetEnv(string name);

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE if nobody set it and OpenMP is not loaded yet; says what holds.</summary>
    public static string PreferPassive()
    {
        if (!OperatingSystem.IsLinux()) return "default (not Linux)";
        try
        {
            var current = Marshal.PtrToStringAnsi(GetEnv(Variable));
            if (!string.IsNullOrEmpty(current)) return $"{current} (from the environment)";
            if (OpenMpLoaded()) return "default (OpenMP was already loaded; set OMP_WAIT_POLICY=PASSIVE before starting the kernel)";
            SetEnv(Variable, "PASSIVE", 0);
            Environment.SetEnvironmentVariable(Variable, "PASSIVE");
            return "PASSIVE (set by the workbench: OpenMP threads sleep instead of spinning on shared cores)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "default";
        }
    }

    private static bool OpenMpLoaded()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(l => l.Contains("libgomp", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
