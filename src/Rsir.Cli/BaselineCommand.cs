using Rsir.Data;
using System.CommandLine;
using Rsir.Experiments;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir baseline --aug reorder|insert|mask|crop|substitute</c>: train on D_0 plus m augmented copies per row.</summary>
internal static class BaselineCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var aug = new Option<AugmentationKind>("--aug") { Description = "Reorder | Insert | Mask | Crop | Substitute", Required = true };
        var m = new Option<int>("--m") { Description = "Augmented copies per training row", DefaultValueFactory = _ => 5 };
        var name = new Option<string?>("--name") { Description = "Results folder name" };
        var command = new Command("baseline", "Augmentation baseline: m augmented copies of every training row, same recipe.");
        common.AddTo(command);
        command.Options.Add(aug);
        command.Options.Add(m);
        command.Options.Add(name);
        command.SetAction(parse =>
        {
            var options = new AugmentationBaselineOptions { Run = common.Resolve(parse), Kind = parse.GetValue(aug), M = parse.GetValue(m) }.Validate();
            var console = CliRunner.Progress;
            console.MarkupLineInterpolated($"[bold]rsir baseline[/] {options.Kind} ×{options.M} on {options.Run.Dataset} / {options.Run.Backbone.Kind}");
            var (result, summary) = AugmentationBaseline.Run(options, parse.GetValue(common.Out), parse.GetValue(name), TrainCommand.ProgressLine(console), DatasetCatalog.FromEnvironment());
            console.WriteLine($"augmented rows added: {summary.Added:N0} (unchanged after retries, skipped: {summary.Unchanged:N0}; too short: {summary.TooShort:N0})");
            TrainCommand.PrintMetrics(console, result.Training);
            CliRunner.Emit(parse.GetValue(common.Json), new
            {
                command = "baseline", augmentation = options.Kind.ToString(), m = options.M, dataset = result.Origin.Name,
                backbone = options.Run.Backbone.Kind, test = result.Training.Test.Metrics(), augmented_rows = summary.Added,
                epochs_run = result.Training.EpochsRun, seconds_per_epoch = result.Training.SecondsPerEpoch,
                total_seconds = result.Training.TotalSeconds, results = result.ResultsPath,
            });
            return 0;
        });
        return command;
    }
}
