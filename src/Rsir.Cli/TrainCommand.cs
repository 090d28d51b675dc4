using Rsir.Data;
using System.CommandLine;
using Rsir.Experiments;
using Rsir.Training;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir train</c>: one backbone to early stop, tested once, with a results folder.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var name = new Option<string?>("--name") { Description = "Results folder name (default: time-command-dataset-backbone-seed)" };
        var command = new Command("train", "Train a backbone on a dataset to early stop and test it.");
        common.AddTo(command);
        command.Options.Add(name);
        command.SetAction(parse =>
        {
            var options = common.Resolve(parse);
            bool json = parse.GetValue(common.Json);
            var console = CliRunner.Progress;
            console.MarkupLineInterpolated($"[bold]rsir train[/] {options.Dataset} / {options.Backbone.Kind} (seed {options.Training.Seed}, device {options.Device})");
            var result = TrainingRun.Run(options, parse.GetValue(common.Out), parse.GetValue(name), ProgressLine(console), data: DatasetCatalog.FromEnvironment());
            var t = result.Training;
            console.MarkupLineInterpolated($"[green]done[/] {t.StopReason}; best epoch {t.BestEpoch} of {t.EpochsRun}, {t.SecondsPerEpoch:F2} s/epoch, {t.TotalSeconds:F0} s total");
            PrintMetrics(console, t);
            console.MarkupLineInterpolated($"results: {result.ResultsPath}");
            CliRunner.Emit(json, new
            {
                command = "train",
                dataset = result.Origin.Name,
                backbone = options.Backbone.Kind,
                seed = options.Training.Seed,
                device = result.Run.Device,
                protocol = t.Test.Protocol.ToString(),
                test = t.Test.Metrics(),
                validation = t.Validation.Metrics(),
                epochs_run = t.EpochsRun,
                best_epoch = t.BestEpoch,
                seconds_per_epoch = t.SecondsPerEpoch,
                total_seconds = t.TotalSeconds,
                results = result.ResultsPath,
            });
            return 0;
        });
        return command;
    }

    public static Action<EpochReport> ProgressLine(IAnsiConsole console) => r =>
    {
        double perEpoch = r.ElapsedSeconds / r.Epoch;
        string eta = Clock(perEpoch * (r.EarlyStopEpoch - r.Epoch));
        console.MarkupLineInterpolated(
            $"epoch {r.Epoch,4}  loss {r.Loss:F4}  val {r.ValidationScore:F4}{(r.Improved ? " *" : "  ")} (best {r.BestScore:F4} @ {r.BestEpoch})  {r.TrainSeconds:F1}+{r.ValidationSeconds:F1} s  elapsed {Clock(r.ElapsedSeconds)}  stops by epoch {r.EarlyStopEpoch} unless it improves (ETA {eta})");
    };

    private static string Clock(double seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds)).ToString(@"hh\:mm\:ss");

    public static void PrintMetrics(IAnsiConsole console, TrainingResult t)
    {
        var table = new Table().AddColumns("split", "Recall@10", "Recall@20", "NDCG@10", "NDCG@20");
        foreach (var (split, e) in new[] { ("validation", t.Validation), ("test", t.Test) })
            table.AddRow(split, $"{e.Recall(10):F4}", $"{e.Recall(20):F4}", $"{e.Ndcg(10):F4}", $"{e.Ndcg(20):F4}");
        console.Write(table);
        console.WriteLine(t.Test.Protocol.ToString());
    }
}
