using Rsir.Data;
using System.CommandLine;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Models;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir loop</c>: the base model and K RSIR rounds, a table per round, resumable.</summary>
internal static class LoopCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var rounds = new Option<int>("--rounds") { Description = "RSIR rounds after the base model", DefaultValueFactory = _ => 3 };
        var flags = new GenerationFlags();
        var finetune = new Option<bool>("--finetune") { Description = "RSIR-FT: fine-tune f_k instead of training from scratch" };
        var teacher = new Option<string?>("--teacher") { Description = "Weak-to-strong: backbone preset that generates (e.g. sasrec-small)" };
        var student = new Option<string?>("--student") { Description = "Alias of --backbone when --teacher is given" };
        var name = new Option<string?>("--name") { Description = "Results folder name; an existing run of that name resumes (a larger --rounds extends it)" };
        var baseFrom = new Option<DirectoryInfo?>("--base-from") { Description = "Start from the finished base model f_0 of another loop folder trained the same way (e.g. the judged run, for --no-judge)" };
        var command = new Command("loop", "RSIR: base model, then generate → judge → retrain for K rounds.");
        common.AddTo(command);
        command.Options.Add(rounds);
        flags.AddTo(command);
        foreach (var option in new Option[] { finetune, teacher, student, name, baseFrom })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var run = common.Resolve(parse);
            if (parse.GetValue(student) is { } s) run = run with { Backbone = Backbones.Preset(s) with { MaxLength = run.Backbone.MaxLength } };
            var generation = flags.Apply(parse, new GenerationOptions());
            var options = new RsirLoopOptions
            {
                Run = run, Generation = generation, Rounds = parse.GetValue(rounds), FineTune = parse.GetValue(finetune),
                Teacher = parse.GetValue(teacher) is { } te ? Backbones.Preset(te) : null,
            }.Resolved().Validate();

            var console = CliRunner.Progress;
            string folderName = parse.GetValue(name) ?? ResultsFolder.DefaultName(options.FineTune ? "loop-ft" : "loop",
                run.Dataset, run.Backbone.Kind + (options.Teacher is null ? "" : $"-from-{options.Teacher.Kind}"), run.Training.Seed)
                + (generation.FidelityControl ? "" : "-nojudge") + (run.TrainingNoise > 0 ? $"-noise{run.TrainingNoise:0.###}" : "");
            string folder = Path.Combine(parse.GetValue(common.Out)!, folderName);
            console.MarkupLineInterpolated($"[bold]rsir loop[/] {run.Dataset} / {run.Backbone.Kind}: {options.Rounds} rounds, tau {generation.Tau}, p {generation.P}, m {generation.M}, {(options.FineTune ? "RSIR-FT" : "from scratch")} → {folder}");
            var loop = new RsirLoop(options, DatasetCatalog.FromEnvironment());
            loop.Stage += (k, text) => console.MarkupLineInterpolated($"[blue]round {k}[/]: {text}");
            var progress = TrainCommand.ProgressLine(console);
            loop.EpochCompleted += (_, report) => progress(report);
            loop.RoundCompleted += r => console.Write(RoundTable(new[] { r }));
            var result = loop.Run(folder, baseFrom: parse.GetValue(baseFrom)?.FullName);

            console.MarkupLine("[bold]All rounds[/]");
            console.Write(RoundTable(result.Rounds));
            console.WriteLine("Protocol: leave-one-out test, full ranking, history masked; density = training interactions / (rows × items).");
            CliRunner.Emit(parse.GetValue(common.Json), new
            {
                command = "loop",
                dataset = run.Dataset,
                backbone = run.Backbone.Kind,
                teacher = options.Teacher?.Kind,
                finetune = options.FineTune,
                tau = generation.Tau, p = generation.P, m = generation.M,
                rounds = result.Rounds.Select(r => new
                {
                    round = r.Round, test = r.Test, train_rows = r.TrainRows, synthetic_rows = r.SyntheticRows,
                    density = r.Density, mean_synthetic_length = r.Generation?.MeanLength, judge_pass_rate = r.Generation?.JudgePassRate,
                    epochs = r.EpochsRun, best_epoch = r.BestEpoch, seconds_per_epoch = r.SecondsPerEpoch, seconds = r.Seconds, resumed = r.Resumed,
                }),
                results = result.ResultsPath,
            });
            return 0;
        });
        return command;
    }

    public static Table RoundTable(IEnumerable<RoundResult> rounds)
    {
        var table = new Table().AddColumns("round", "R@10", "R@20", "N@10", "N@20", "rows", "synthetic", "density", "mean syn len", "judge pass", "epochs", "time");
        foreach (var r in rounds)
            table.AddRow($"{r.Round}{(r.Resumed ? " (saved)" : "")}", $"{r.Recall(10):F4}", $"{r.Recall(20):F4}", $"{r.Ndcg(10):F4}", $"{r.Ndcg(20):F4}",
                $"{r.TrainRows:N0}", $"{r.SyntheticRows:N0}", $"{r.Density:E2}", r.Generation is null ? "-" : $"{r.Generation.MeanLength:F1}",
                r.Generation is null ? "-" : $"{r.Generation.JudgePassRate:P1}", $"{r.EpochsRun}", $"{r.Seconds:F0} s");
        return table;
    }
}
