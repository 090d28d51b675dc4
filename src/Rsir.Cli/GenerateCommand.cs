using System.CommandLine;
using Rsir.Experiments;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir generate --run FOLDER</c>: one generation round from a loop's saved model, without training.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var run = new Option<DirectoryInfo>("--run") { Description = "A loop folder with the saved model of the round to generate from", Required = true };
        var round = new Option<int?>("--round") { Description = "Generate from this finished round's model and D_k (default: the last)" };
        var flags = new GenerationFlags();
        var seed = new Option<ulong?>("--seed") { Description = "Generation seed (default: the loop's seed for round k+1, which repeats the loop's own round)" };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda | cuda:N (default: the loop's)" };
        var name = new Option<string?>("--name") { Description = "Output folder name (default: LOOP-from-round-K, with -nojudge for --no-judge)" };
        var output = new Option<string>("--out") { Description = "Results root folder", DefaultValueFactory = _ => "results" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results as the last line" };
        var command = new Command("generate", "One RSIR generation round from a loop's saved model f_k, without training: what it would add to D_k.");
        command.Options.Add(run);
        command.Options.Add(round);
        flags.AddTo(command);
        foreach (var option in new Option[] { seed, device, name, output, json }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var loop = LoopFolder.Open(parse.GetValue(run)!.FullName);
            int k = parse.GetValue(round) ?? loop.LastRound;
            var generation = flags.Apply(parse, GenerationRun.LoopSettings(loop, k));
            if (parse.GetValue(seed) is { } s) generation = generation with { Seed = s };
            string folderName = parse.GetValue(name) ?? $"{Path.GetFileName(loop.Path)}-from-round-{k}{(generation.FidelityControl ? "" : "-nojudge")}";
            string folder = Path.Combine(parse.GetValue(output)!, folderName);

            var console = CliRunner.Progress;
            var result = GenerationRun.Run(loop, k, generation, folder, parse.GetValue(device),
                text => console.MarkupLineInterpolated($"[blue]generate[/]: {text}"));
            var g = result.Generated.Statistics;
            var table = new Table().AddColumns("", "value");
            void Row(string what, string value) => table.AddRow(Markup.Escape(what), Markup.Escape(value));
            Row("seed rows", $"{g.SeedRows:N0}");
            Row("sequences tried / kept", $"{g.SequencesTried:N0} / {g.SequencesKept:N0}");
            Row("dropped: shorter than 3 / duplicates", $"{g.DroppedShort:N0} / {g.DuplicatesRemoved:N0}");
            Row("mean length of kept sequences", $"{g.MeanLength:F2}");
            Row("judge pass rate (steps)", double.IsNaN(g.JudgePassRate) ? "-" : $"{g.JudgePassRate:P1} of {g.StepsJudged:N0}");
            Row("items from the user's own history", $"{g.ShareFromHistory:P1}");
            Row("stop reasons (tried)", string.Join(", ", g.StopReasonsTried.Select(r => $"{r.Key} {r.Value:N0}")));
            Row($"D_{k} → D_{k + 1}: rows", $"{result.Before.Rows:N0} → {result.After.Rows:N0}");
            Row($"D_{k} → D_{k + 1}: next-item targets (epoch cost)",
                $"{result.Before.Targets:N0} → {result.After.Targets:N0} (×{(double)result.After.Targets / result.Before.Targets:F2})");
            Row($"D_{k} → D_{k + 1}: density", $"{result.Before.Density:E2} → {result.After.Density:E2}");
            Row("wall time", $"{g.WallTime.TotalSeconds:F1} s");
            console.Write(table);
            console.WriteLine($"Saved in {result.Folder}.");
            CliRunner.Emit(parse.GetValue(json), new
            {
                command = "generate", source = result.Source, from_round = k, generator = result.Generator,
                tau = generation.Tau, p = generation.P, m = generation.M, seeds = generation.SeedRows.ToString(), seed = generation.Seed,
                sequences_tried = g.SequencesTried, sequences_kept = g.SequencesKept, dropped_short = g.DroppedShort,
                duplicates_removed = g.DuplicatesRemoved, mean_length = g.MeanLength, judge_pass_rate = g.JudgePassRate,
                share_from_history = g.ShareFromHistory, before = result.Before, after = result.After,
                seconds = g.WallTime.TotalSeconds, results = result.Folder,
            });
            return 0;
        });
        return command;
    }
}
