using Rsir.Data;
using System.CommandLine;
using System.Globalization;
using Rsir.Experiments;
using Rsir.Generation;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir sweep --param tau --values 1,3,5</c>: one shared base model, one RSIR run per value, resumable.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var param = new Option<SweepParameter>("--param") { Description = "Setting to vary: tau | m | p", Required = true };
        var values = new Option<string>("--values") { Description = "Comma-separated values (tau may be inf)", DefaultValueFactory = _ => "1,3,5,10,20,50,100" };
        var rounds = new Option<int>("--rounds") { Description = "RSIR rounds per point after the shared base model", DefaultValueFactory = _ => 1 };
        var flags = new GenerationFlags();
        var name = new Option<string?>("--name") { Description = "Sweep folder name under --out (default sweep-<param>-<dataset>-<backbone>-s<seed>; the same name resumes)" };
        var command = new Command("sweep", "Sensitivity sweep over tau, m or p: base model once, then RSIR round(s) per value; finished points are skipped.");
        common.AddTo(command);
        foreach (var option in new Option[] { param, values, rounds, name }) command.Options.Add(option);
        flags.AddTo(command);
        command.SetAction(parse =>
        {
            var run = common.Resolve(parse);
            var generation = flags.Apply(parse, new GenerationOptions());   // the swept setting's own flag is overridden per point
            var parameter = parse.GetValue(param);
            var options = new SweepOptions
            {
                Loop = new RsirLoopOptions { Run = run, Generation = generation, Rounds = parse.GetValue(rounds) }.Resolved(),
                Parameter = parameter,
                Values = ParseValues(parse.GetValue(values)!),
            }.Validate();

            var console = CliRunner.Progress;
            string folderName = parse.GetValue(name)
                ?? $"sweep-{parameter.ToString().ToLowerInvariant()}-{Path.GetFileNameWithoutExtension(run.Dataset)}-{run.Backbone.Kind}-s{run.Training.Seed}".ToLowerInvariant();
            string folder = Path.Combine(parse.GetValue(common.Out)!, folderName);
            console.MarkupLineInterpolated($"[bold]rsir sweep[/] {parameter} over {string.Join(", ", options.Values.Select(Format))} on {run.Dataset} / {run.Backbone.Kind}, {options.Loop.Rounds} round(s) per point → {folder}");
            var sweep = new Sweep(options, DatasetCatalog.FromEnvironment());
            sweep.Stage += (label, text) => console.MarkupLineInterpolated($"[blue]{label}[/]: {text}");
            var progress = TrainCommand.ProgressLine(console);
            sweep.EpochCompleted += (_, _, report) => progress(report);
            sweep.PointCompleted += point => console.MarkupLineInterpolated(
                $"{point.Label}{(point.Resumed ? " (saved)" : "")}: N@10 {point.Final.Ndcg(10):F4}  R@10 {point.Final.Recall(10):F4}");
            var result = sweep.Run(folder);

            var table = new Table().AddColumns(parameter.ToString(), "R@10", "R@20", "N@10", "N@20", "ΔN@10", "synthetic", "mean len", "judge pass");
            table.AddRow("base", $"{result.Base.Recall(10):F4}", $"{result.Base.Recall(20):F4}", $"{result.Base.Ndcg(10):F4}", $"{result.Base.Ndcg(20):F4}", "", "", "", "");
            foreach (var point in result.Points)
            {
                var f = point.Final;
                table.AddRow(Format(point.Value), $"{f.Recall(10):F4}", $"{f.Recall(20):F4}", $"{f.Ndcg(10):F4}", $"{f.Ndcg(20):F4}",
                    CliRunner.Signed(f.Ndcg(10) - result.Base.Ndcg(10)), $"{f.SyntheticRows:N0}",
                    f.Generation is null ? "-" : $"{f.Generation.MeanLength:F1}", f.Generation is null ? "-" : $"{f.Generation.JudgePassRate:P1}");
            }
            console.Write(table);
            CliRunner.Emit(parse.GetValue(common.Json), new
            {
                command = "sweep",
                dataset = run.Dataset,
                backbone = run.Backbone.Kind,
                parameter = parameter.ToString().ToLowerInvariant(),
                rounds = options.Loop.Rounds,
                @base = result.Base.Test,
                points = result.Points.Select(pt => new
                {
                    value = pt.Value, test = pt.Final.Test, synthetic_rows = pt.Final.SyntheticRows,
                    mean_synthetic_length = pt.Final.Generation?.MeanLength, judge_pass_rate = pt.Final.Generation?.JudgePassRate,
                    density = pt.Final.Density, resumed = pt.Resumed,
                }),
                results = result.Folder,
            });
            return 0;
        });
        return command;
    }

    public static IReadOnlyList<double> ParseValues(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(v => v.ToLowerInvariant() is "inf" or "infinity" or "∞" ? double.PositiveInfinity
            : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x
            : throw new ArgumentException($"--values: '{v}' is not a number."))
        .ToArray();

    private static string Format(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
