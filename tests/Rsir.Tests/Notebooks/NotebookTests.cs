using Xunit.Abstractions;

namespace Rsir.Tests.Notebooks;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    /// <summary>Notebooks train models: they run one at a time, after the parallel tests.</summary>
    public const string Name = "Notebooks";
}

/// <summary>
/// Runs every <c>notebooks/*.ipynb</c> in the quick profile with the headless runner, as a separate process, and fails
/// on any cell error. Nothing is built here: the test project's references build the runner and Rsir.Interactive in the
/// test's own configuration, and the runner points the notebooks' <c>#r</c> lines at that build
/// (<c>--configuration</c>). The notebooks' committed outputs are left as they are.
/// </summary>
[Collection(NotebookCollection.Name)]
[Trait("Category", "Notebooks")]
public sealed class NotebookTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(RunnerProcess.RepositoryRoot(), "notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void There_are_notebooks() => Assert.NotEmpty(Notebooks());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_without_cell_errors_in_the_quick_profile(string notebook)
    {
        RunnerProcess.BuildOutput("Rsir.Interactive", "Rsir.Interactive.dll");
        var run = RunnerProcess.Run(
            ["--profile", "quick", "--configuration", RunnerProcess.Configuration, Path.Combine("notebooks", notebook)], Limit);
        output.WriteLine($"{notebook}: {run.Describe(int.MaxValue)}");
        Assert.False(run.TimedOut, $"{notebook} did not finish within {Limit.TotalMinutes:F0} minutes.\n{run.Describe()}");
        Assert.True(run.ExitCode == 0,
            $"{notebook} failed (134 or 139 is a native crash: the last cell the runner started is the last one listed).\n{run.Describe()}");
    }
}
