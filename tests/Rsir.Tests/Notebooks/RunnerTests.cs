using System.Text.Json;
using System.Text.Json.Nodes;
using Rsir.Tests.Data;

namespace Rsir.Tests.Notebooks;

/// <summary>The headless runner on tiny notebooks of plain C# (no workbench, a few seconds each).</summary>
[Collection(NotebookCollection.Name)]
[Trait("Category", "Notebooks")]
public sealed class RunnerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static string Notebook(params (string Kind, string Source)[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select((c, i) => (JsonNode)new JsonObject
        {
            ["cell_type"] = c.Kind,
            ["id"] = $"cell{i}",
            ["metadata"] = new JsonObject(),
            ["source"] = c.Source,
            ["outputs"] = c.Kind == "code" ? new JsonArray() : null,
            ["execution_count"] = null,
        }).ToArray()),
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    }.ToJsonString();

    /// <summary>
    /// A Jupyter kernel runs with background GC on (our executables turn it off at build time). The workbench must turn
    /// it off inside the kernel too: a TorchSharp temporary finalized on the GC thread during a native call aborts.
    /// </summary>
    [Fact]
    public void Workbench_setup_turns_background_gc_off_in_a_kernel_that_has_it_on()
    {
        using var folder = new TempDirectory();
        string bin = Path.Combine(RunnerProcess.RepositoryRoot(), "src", "Rsir.Interactive", "bin", RunnerProcess.Configuration, "net10.0", "linux-x64");
        string path = folder.Write("gc.ipynb", Notebook(
            ("code", $"#r \"{bin}/Rsir.Interactive.dll\"\n#r \"{bin}/Rsir.dll\"\n#r \"{bin}/TorchSharp.dll\""),
            ("code", "Console.WriteLine($\"before: {System.Runtime.GCSettings.LatencyMode}\");"),
            ("code", "var session = Rsir.Interactive.Workbench.Setup(device: \"cpu\");\nConsole.WriteLine($\"after: {System.Runtime.GCSettings.LatencyMode}\");\nConsole.WriteLine(session.Machine);")));

        var run = RunnerProcess.Run([path], Limit, environment: new Dictionary<string, string> { ["DOTNET_gcConcurrent"] = "1" });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("before: Interactive", run.Stdout);   // the kernel-like host had background GC on …
        Assert.Contains("after: Batch", run.Stdout);          // … and the workbench turned it off
        Assert.Contains("gc Batch (no background GC)", run.Stdout);
    }

    [Fact]
    public void A_failing_cell_fails_the_run_and_is_named()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("broken.ipynb", Notebook(
            ("markdown", "# A notebook"),
            ("code", "var answer = 6 * 7;"),
            ("code", "throw new InvalidOperationException(\"deliberately broken\");"),
            ("code", "Console.WriteLine(\"never reached\");")));

        var run = RunnerProcess.Run([path], Limit);

        Assert.True(run.ExitCode == 1, run.Describe());
        Assert.Contains("cell 3 (code cell 2, starting \"throw new InvalidOperationException", run.Stderr);
        Assert.Contains("deliberately broken", run.Stderr);
        Assert.DoesNotContain("never reached", run.Stdout);
    }

    [Fact]
    public void A_compile_error_fails_the_run()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("typo.ipynb", Notebook(("code", "var x = undefinedName + 1;")));

        var run = RunnerProcess.Run([path], Limit);

        Assert.True(run.ExitCode == 1, run.Describe());
        Assert.Contains("undefinedName", run.Stderr);
    }

    [Fact]
    public void Outputs_are_written_and_cells_run_in_the_notebooks_folder()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("fine.ipynb", Notebook(
            ("markdown", "Some text."),
            ("code", "Console.WriteLine(\"hello from the cell\");"),
            // Workbench's Progress displays through the invocation context, whose updates carry the display's id.
            ("code", "using Microsoft.DotNet.Interactive;\n" +
                     "var shown = KernelInvocationContextExtensions.Display(KernelInvocationContext.Current, \"first\", \"text/plain\");\n" +
                     "shown.Update(\"updated\");"),
            ("code", "System.IO.Directory.GetCurrentDirectory()")));
        string executed = folder.File("executed.ipynb");

        var run = RunnerProcess.Run([path, "--out", executed], Limit);

        Assert.True(run.ExitCode == 0, run.Describe());
        var cells = JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray();
        Assert.Equal(4, cells.Count);
        string Outputs(int i) => cells[i]!["outputs"]!.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        Assert.Contains("hello from the cell", Outputs(1));
        Assert.Contains("\"stream\"", Outputs(1));
        Assert.Contains("updated", Outputs(2));
        Assert.DoesNotContain("first", Outputs(2));
        Assert.Contains(folder.Path, Outputs(3));
        Assert.Equal(3, (int)cells[3]!["execution_count"]!);
        Assert.Equal(File.ReadAllText(path), File.ReadAllText(path));   // the source notebook is untouched
    }

    [Fact]
    public void References_load_every_referenced_dll_from_the_given_folder()
    {
        using var folder = new TempDirectory();
        var bundle = Directory.CreateDirectory(folder.File("bundle")).FullName;
        File.Copy(typeof(MathNet.Numerics.SpecialFunctions).Assembly.Location, Path.Combine(bundle, "MathNet.Numerics.dll"));
        string path = folder.Write("bundled.ipynb", Notebook(
            ("code", "#r \"../no/such/build/bin/Release/MathNet.Numerics.dll\"\nConsole.WriteLine($\"gamma {MathNet.Numerics.SpecialFunctions.Gamma(5)}\");")));

        var asWritten = RunnerProcess.Run([path], Limit);
        Assert.True(asWritten.ExitCode == 1, asWritten.Describe());

        var bundled = RunnerProcess.Run([path, "--references", bundle], Limit);
        Assert.True(bundled.ExitCode == 0, bundled.Describe());
        Assert.Contains("gamma 24", bundled.Stdout);
    }

    [Fact]
    public void Bad_arguments_exit_with_2()
    {
        var run = RunnerProcess.Run(["--profile", "huge", "x.ipynb"], Limit);
        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains("--profile", run.Stderr);
    }
}
