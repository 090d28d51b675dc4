using System.Text.Json;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Tests.Reliability;

namespace Rsir.Tests.Grid;

/// <summary>Plan files: how a grid expands into points, the shipped plans, and bad plans refused with the file, the
/// field and the value (exit 2 from the command line, before anything runs).</summary>
public class GridPlanTests : IDisposable
{
    readonly string folder = CliHarness.NewTempFolder("rsir-grid-plan-");

    public void Dispose() => CliHarness.DeleteQuietly(folder);

    internal static string Write(string folder, string json, string name = "plan.json")
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    internal static string PlansFolder => Path.Combine(Path.GetDirectoryName(
        DatasetCatalog.FindRepositoryDataDirectory(AppContext.BaseDirectory) ?? throw new InvalidOperationException("repository not found"))!,
        "environment", "plans");

    [Fact]
    public void A_grid_expands_to_the_product_of_its_axes_with_names_labels_and_the_grids_own_name_and_out()
    {
        string root = Path.Combine(folder, "results");
        var plan = GridPlan.Load(Write(folder, $$"""
            { "out": "{{root}}", "baseline": { "round": 0 },
              "grids": [ { "id": "a", "axes": { "dataset": ["beauty", "toys"], "seed": [1, 2, 3] }, "labels": { "method": "rsir" },
                           "name": "{dataset}-s{seed}", "run": "rsir loop --dataset {dataset} --rounds 2 --seed {seed}" },
                         { "id": "b", "after": ["a"], "axes": { "seed": [1] },
                           "run": "loop --dataset beauty --base-from {out}/beauty-s{seed} --no-judge --seed {seed}" } ],
              "runs": [ { "name": "one", "labels": { "seed": 9 }, "run": "train --dataset toys" } ] }
            """));
        Assert.Equal("plan", plan.Name);   // the file's name
        Assert.Equal(root, plan.ResultsRoot);
        Assert.Equal(Path.Combine(root, "grid-plan"), plan.StateFolder);
        Assert.Equal(new[] { "beauty-s1", "beauty-s2", "beauty-s3", "toys-s1", "toys-s2", "toys-s3", "b-1", "one" }, plan.Points.Select(p => p.Name));
        Assert.Equal(Enumerable.Range(0, 8), plan.Points.Select(p => p.Index));
        var first = plan.Points[0];
        Assert.Equal(new[] { "loop", "--dataset", "beauty", "--rounds", "2", "--seed", "1", "--name", "beauty-s1", "--out", root }, first.Arguments);
        Assert.Equal(new Dictionary<string, string> { ["dataset"] = "beauty", ["seed"] = "1", ["method"] = "rsir" }, first.Labels);
        Assert.Equal(2, first.Rounds);
        Assert.Equal(0, first.Stage);
        Assert.Equal(Path.Combine(root, "beauty-s1"), first.Folder);
        var after = plan.Points[6];
        Assert.Equal(1, after.Stage);
        Assert.Equal(3, after.Rounds);   // rsir loop's default
        Assert.Contains($"{root}/beauty-s1", after.Arguments);
        Assert.Null(plan.Points[7].Rounds);
        Assert.Equal("train", plan.Points[7].Command);
        Assert.Equal(new Dictionary<string, string> { ["round"] = "0" }, plan.Baseline);
    }

    [Fact]
    public void The_shipped_plans_load_and_every_point_parses_as_an_rsir_command()
    {
        var expected = new Dictionary<string, int> { ["table1"] = 252, ["table2-sports"] = 6, ["sports-seeds"] = 3, ["beauty1500-seeds"] = 3 };
        Assert.Equal(expected.Keys.Order(), Directory.GetFiles(PlansFolder, "*.json").Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var (name, points) in expected)
        {
            var outcome = CliHarness.Run("grid", "status", Path.Combine(PlansFolder, name + ".json"), "--out", Path.Combine(folder, name), "--json");
            Assert.True(outcome.ExitCode == 0, $"{name}: {outcome.Stderr}");
            Assert.Equal(points, outcome.Json.GetProperty("total").GetInt32());
            Assert.Equal(points, outcome.Json.GetProperty("pending").GetInt32());
        }
        var table2 = GridPlan.Load(Path.Combine(PlansFolder, "table2-sports.json"), folder);
        Assert.All(table2.Points.Where(p => p.Labels["judge"] == "off"), p => Assert.Equal(1, p.Stage));
        Assert.Contains($"{folder}/sports-s2024", table2.Points.Single(p => p.Name == "sports-nojudge-s2024").Arguments);
    }

    public static TheoryData<string, string, string[]> BadPlans => new()
    {
        { "unknown axis", """{ "grids": [ { "axes": { "seed": [1] }, "run": "train --seed {sed}" } ] }""",
            new[] { "plan.json: grids[0].run: unknown axis '{sed}'", "axes of this block: seed" } },
        { "unknown axis in the name", """{ "grids": [ { "axes": { "seed": [1] }, "name": "x-{dataset}", "run": "train --seed {seed}" } ] }""",
            new[] { "grids[0].name: unknown axis '{dataset}'" } },
        { "unknown axis in the baseline", """{ "baseline": { "methd": "a" }, "runs": [ { "labels": { "method": "a" }, "name": "x", "run": "train" } ] }""",
            new[] { "baseline.methd: unknown axis", "labels: method, round" } },
        { "unknown command", """{ "runs": [ { "name": "x", "run": "trian --dataset beauty" } ] }""",
            new[] { "runs[0].run: unknown command", "train, loop, baseline", "(value: 'trian')" } },
        { "unknown flag", """{ "runs": [ { "name": "x", "run": "loop --tua 5" } ] }""",
            new[] { "runs[0].run: point 'x'", "--tua" } },
        { "name set by hand", """{ "runs": [ { "name": "x", "run": "train --name y" } ] }""",
            new[] { "runs[0].run: the grid sets --name itself" } },
        { "two points, one name", """{ "grids": [ { "axes": { "seed": [1, 2] }, "name": "same", "run": "train --seed {seed}" } ] }""",
            new[] { "grids[0]: two points have the same name", "(value: 'same')" } },
        { "same labels", """{ "runs": [ { "name": "x", "run": "train" }, { "name": "y", "run": "train --seed 2" } ] }""",
            new[] { "points 'x' and 'y' have the same labels" } },
        { "unknown field", "{\n  \"grids\": [ { \"axis\": { \"seed\": [1] }, \"run\": \"train\" } ]\n}",
            new[] { "plan.json:2:", "axis" } },
        { "after an unknown block", """{ "grids": [ { "after": ["base"], "run": "train" } ] }""",
            new[] { "grids[0].after: no earlier block has this id", "(value: 'base')" } },
        { "empty axis", """{ "grids": [ { "axes": { "seed": [] }, "run": "train" } ] }""",
            new[] { "grids[0].axes.seed: an axis needs at least one value" } },
        { "nothing to do", """{ "name": "x" }""", new[] { "the plan has no grids and no runs" } },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void A_bad_plan_is_refused_naming_the_file_the_field_and_the_value(string why, string json, string[] fragments)
    {
        string plan = Write(folder, json);
        string results = Path.Combine(folder, "results");
        foreach (var command in new[] { "run", "status", "collect" })
        {
            var outcome = CliHarness.Run("grid", command, plan, "--out", results, "--json");
            Assert.True(outcome.ExitCode == 2, $"{why}: grid {command} exit {outcome.ExitCode}\n{outcome.Stderr}");
            Assert.StartsWith("error: ", outcome.Stderr.Split('\n').First(l => l.StartsWith("error")));
            foreach (var fragment in fragments)
                Assert.True(outcome.Error.Contains(fragment), $"{why}: '{fragment}' not in: {outcome.Error}");
            Assert.False(Directory.Exists(results), $"{why}: grid {command} wrote {results}");
        }
    }

    [Fact]
    public void Submit_without_a_scheduler_is_bad_input()
    {
        string plan = Write(folder, """{ "runs": [ { "name": "x", "run": "train" } ] }""");
        var outcome = CliHarness.Run("grid", "submit", plan, "--json");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("--slurm", outcome.Error);
    }

    [Fact]
    public void A_dry_run_submission_is_one_array_per_stage_that_runs_this_build_with_absolute_paths()
    {
        string results = Path.Combine(folder, "results");
        string plan = Write(folder, """
            { "grids": [ { "id": "a", "axes": { "seed": [1, 2] }, "run": "loop --dataset beauty --seed {seed}" },
                         { "id": "b", "after": ["a"], "axes": { "seed": [1] }, "labels": { "judge": "off" },
                           "run": "loop --dataset beauty --no-judge --base-from {out}/a-{seed} --seed {seed}" } ] }
            """);
        var outcome = CliHarness.Run("grid", "submit", plan, "--slurm", "--partition", "gpu", "--gpus-per-task", "1", "--time", "12:00:00",
            "--sbatch-arg=--account=lab", "--out", results, "--dry-run", "--json");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var arrays = outcome.Json.GetProperty("arrays").EnumerateArray().ToArray();
        Assert.Equal(new[] { "[0,1]", "[2]" }, arrays.Select(a => a.GetProperty("indices").GetRawText()));
        foreach (var line in new[] { "#SBATCH --array=0,1", "#SBATCH --partition=gpu", "#SBATCH --gpus-per-task=1", "#SBATCH --time=12:00:00",
                     "#SBATCH --account=lab", $"#SBATCH --output={results}/grid-plan/logs/%A_%a.out", "export RSIR_DATA=" })
            Assert.Contains(line, outcome.Stderr);
        string dll = typeof(Rsir.Cli.CliApp).Assembly.Location;
        Assert.Matches($@"exec \S*dotnet\S* {System.Text.RegularExpressions.Regex.Escape(dll)} grid run-point {System.Text.RegularExpressions.Regex.Escape(results)}/grid-plan/submit-[0-9-]+/plan\.json --index ""\$SLURM_ARRAY_TASK_ID"" --out {System.Text.RegularExpressions.Regex.Escape(results)}", outcome.Stderr);
        Assert.False(Directory.Exists(results));   // a dry run writes nothing
    }
}
