using System.Diagnostics;
using System.Text.RegularExpressions;
using Rsir.Tests.Notebooks;

namespace Rsir.Tests.Runtime;

public class BuildLayoutTests
{
    /// <summary>Whatever libtorch a build uses (the CPU packages, the CUDA package, an external PyTorch), the workbench
    /// lands in the folder the notebooks' <c>#r</c> lines load (asked of MSBuild's evaluation; no build needed).</summary>
    [Theory]
    [InlineData("cpu-linux-x64")]
    [InlineData("cpu")]
    [InlineData("cuda")]
    [InlineData("external")]
    public void Every_torch_backend_builds_into_the_folder_the_notebooks_load(string backend)
    {
        string root = RunnerProcess.RepositoryRoot();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "msbuild", "src/Rsir.Interactive/Rsir.Interactive.csproj", "-getProperty:OutDir",
                     $"-p:TorchBackend={backend}", $"-p:Configuration={RunnerProcess.Configuration}", "-nologo" })
            start.ArgumentList.Add(a);
        using var msbuild = Process.Start(start)!;
        string outDir = msbuild.StandardOutput.ReadToEnd().Trim().Replace('\\', '/');
        msbuild.WaitForExit();
        Assert.Equal(0, msbuild.ExitCode);

        var loaded = Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.ipynb")
            .SelectMany(File.ReadLines)
            .Select(line => Regex.Match(line, @"#r \\""\.\./src/Rsir\.Interactive/(?<dir>[^""\\]+)/Rsir\.Interactive\.dll"))
            .Where(m => m.Success).Select(m => m.Groups["dir"].Value + "/").Distinct().ToArray();
        Assert.NotEmpty(loaded);
        Assert.All(loaded, dir => Assert.Equal(dir, outDir));
    }
}
