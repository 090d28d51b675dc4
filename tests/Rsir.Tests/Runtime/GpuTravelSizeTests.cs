using System.Diagnostics;
using Rsir.Data;

namespace Rsir.Tests.Runtime;

/// <summary>
/// The GPU check sends the whole working tree plus the self-contained bundle, and <c>environment/gpu-check.sh prepare</c>
/// refuses above 56 MiB. The bundle measured 35.5 MiB on 2026-12-02, so the tracked files must stay within 20.5 MiB:
/// committed results keep what the tables read (metrics, ranks, round.json) and drop resume material (model.bin,
/// synthetic rows), which stays restorable from the commit that added it.
/// </summary>
public class GpuTravelSizeTests
{
    const double BudgetMiB = 56 - 35.5;

    [SkippableFact]
    public void The_tracked_files_leave_room_for_the_gpu_bundle()
    {
        string root = Path.GetDirectoryName(DatasetCatalog.FindRepositoryDataDirectory(AppContext.BaseDirectory)!)!;
        Skip.IfNot(Directory.Exists(Path.Combine(root, ".git")) || File.Exists(Path.Combine(root, ".git")), "not a git checkout");
        var start = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true };
        foreach (var a in new[] { "ls-files", "-z" }) start.ArgumentList.Add(a);
        using var git = Process.Start(start)!;
        string listing = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);

        var sizes = listing.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(path => Path.Combine(root, path)).Where(File.Exists)
            .Select(file => (File: file, Bytes: new FileInfo(file).Length)).ToArray();
        double mib = sizes.Sum(s => s.Bytes) / 1048576.0;
        var largest = sizes.OrderByDescending(s => s.Bytes).Take(5).Select(s => $"{Path.GetRelativePath(root, s.File)} {s.Bytes / 1048576.0:F2} MiB");
        Assert.True(mib <= BudgetMiB,
            $"the tracked files take {mib:F2} MiB, over the {BudgetMiB} MiB the GPU check leaves beside its bundle; largest: {string.Join(", ", largest)}");
    }
}
