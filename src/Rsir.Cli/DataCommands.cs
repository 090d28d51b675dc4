using System.CommandLine;
using Rsir.Data;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir data stats</c> and <c>rsir data import-amazon</c>.</summary>
internal static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Inspect and import datasets.");
        data.Subcommands.Add(Stats());
        data.Subcommands.Add(ImportAmazon());
        return data;
    }

    private static Command Stats()
    {
        var dataset = new Option<string>("--dataset") { Description = "beauty | sports | toys | yelp | ml-1m | a sequence file", DefaultValueFactory = _ => "beauty" };
        var path = new Option<string?>("--data") { Description = "Path to the dataset file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line" };
        var command = new Command("stats", "Statistics of a dataset: users, items, density, lengths, repeats.") { dataset, path, json };
        command.SetAction(parse =>
        {
            var loaded = DatasetCatalog.FromEnvironment().Load(parse.GetValue(dataset)!, new DatasetLoadOptions(Path: parse.GetValue(path)));
            var s = DatasetStatistics.Compute(loaded);
            var evaluated = LeakageCheck.Verify(loaded.Dataset);
            var console = CliRunner.Progress;
            var table = new Table().AddColumns("dataset", "users", "items", "interactions", "density", "mean len", "min", "max", "≤50",
                "test target in history", "validation target in history");
            table.AddRow(s.Name, $"{s.Users:N0}", $"{s.Items:N0}", $"{s.Interactions:N0}", $"{s.Density:P3}", $"{s.MeanLength:F2}",
                $"{s.MinLength}", $"{s.MaxLength}", $"{s.ShareWithinLengthLimit:P1}", $"{s.TestTargetInHistory:N0}", $"{s.ValidationTargetInHistory:N0}");
            console.Write(table);
            console.WriteLine($"repeat consumption: {s.TestTargetInHistory:N0} of {s.Users:N0} users' test targets and " +
                $"{s.ValidationTargetInHistory:N0} validation targets occur earlier in their sequence; within the evaluated " +
                $"history (last {loaded.Dataset.Summary.MaxLength} items, {evaluated.Users:N0} users kept): {evaluated.TestTargetsInHistory:N0} test, " +
                $"{evaluated.ValidationTargetsInHistory:N0} validation. A history-masking evaluator can never rank these first.");
            console.WriteLine($"source: {loaded.Origin.Path} (md5 {loaded.Origin.Md5}); split: {loaded.Dataset.Summary}");
            CliRunner.Emit(parse.GetValue(json), new
            {
                command = "data stats", statistics = s, source = loaded.Origin, split = loaded.Dataset.Summary,
                repeat_consumption = new
                {
                    test_target_in_history = s.TestTargetInHistory,
                    validation_target_in_history = s.ValidationTargetInHistory,
                    evaluated_test_target_in_history = evaluated.TestTargetsInHistory,
                    evaluated_validation_target_in_history = evaluated.ValidationTargetsInHistory,
                },
            });
            return 0;
        });
        return command;
    }

    private static Command ImportAmazon()
    {
        var csv = new Argument<FileInfo>("csv") { Description = "Raw ratings CSV: user,item,rating,timestamp (no header)" };
        var output = new Argument<FileInfo>("out") { Description = "Sequence file to write" };
        var core = new Option<int>("--core") { Description = "k of the iterative k-core", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line" };
        var command = new Command("import-amazon", "Raw Amazon ratings → iterative 5-core → time-ordered sequence file.") { csv, output, core, json };
        command.SetAction(parse =>
        {
            var options = new RatingsImportOptions(parse.GetValue(core), parse.GetValue(core));
            var result = AmazonRatingsImporter.Import(parse.GetValue(csv)!.FullName, parse.GetValue(output)!.FullName, options);
            var s = result.Summary;
            CliRunner.Progress.MarkupLineInterpolated(
                $"read {s.RowsRead:N0} ratings ({s.UsersBefore:N0} users, {s.ItemsBefore:N0} items); {options.UserCore}-core after {s.CorePasses} passes: {s.RowsKept:N0} ratings, {s.UsersAfter:N0} users, {s.ItemsAfter:N0} items → {parse.GetValue(output)!.FullName}");
            CliRunner.Emit(parse.GetValue(json), new { command = "data import-amazon", summary = s, output = parse.GetValue(output)!.FullName });
            return 0;
        });
        return command;
    }
}
