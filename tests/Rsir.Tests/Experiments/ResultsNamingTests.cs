using System.Text.Json;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Tests.Analysis;

namespace Rsir.Tests.Experiments;

/// <summary>Results files are snake_case, like metrics.json, the CSV headers and the CLI's JSON; folders written before
/// the switch (C# names) still read.</summary>
public class ResultsNamingTests : IClassFixture<TinyLoopFixture>
{
    private readonly TinyLoopFixture loop;
    public ResultsNamingTests(TinyLoopFixture loop) => this.loop = loop;

    private static string Committed(string name) => Path.Combine(
        Path.GetDirectoryName(DatasetCatalog.FindRepositoryDataDirectory(AppContext.BaseDirectory)!)!, "results", "committed", name);

    // Field names, not the keys of a map whose keys are values: stop reasons are enum names, like "decoding": "TopK".
    private static IEnumerable<string> Names(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => (p.Name.StartsWith("stop_reasons_") ? Enumerable.Empty<string>() : Names(p.Value)).Prepend(p.Name)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Names),
        _ => Enumerable.Empty<string>(),
    };

    [Fact]
    public void Every_json_file_of_a_loop_folder_names_its_fields_in_snake_case()
    {
        var files = Directory.EnumerateFiles(loop.LoopPath, "*.json", SearchOption.AllDirectories).ToArray();
        Assert.Contains(files, f => f.EndsWith("options.json"));
        Assert.Contains(files, f => f.EndsWith("round.json"));
        Assert.Contains(files, f => f.EndsWith("judge.json"));
        foreach (var file in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var names = Names(json.RootElement).ToArray();
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.False(n.Any(char.IsAsciiLetterUpper), $"{Path.GetRelativePath(loop.LoopPath, file)}: field '{n}'"));
        }
        var (read, ran) = (LoopFolder.Open(loop.LoopPath).ReadRound(1), loop.Result.Rounds[1]);
        Assert.Equal((ran.Round, ran.SyntheticRows, ran.EpochsRun, ran.BestEpoch), (read.Round, read.SyntheticRows, read.EpochsRun, read.BestEpoch));
        Assert.Equal(ran.Test, read.Test);
        Assert.Equal((ran.Generation!.SequencesKept, ran.Generation.StepsJudged, ran.Generation.MeanLength), (read.Generation!.SequencesKept, read.Generation.StepsJudged, read.Generation.MeanLength));
        Assert.Equal(ran.Generation.StopReasonsKept, read.Generation.StopReasonsKept);
    }

    [Fact]
    public void A_folder_written_in_csharp_names_before_the_switch_still_reads()
    {
        string folder = Committed("beauty1500-judged");
        Assert.Contains("\"Run\"", File.ReadAllText(Path.Combine(folder, "options.json")));   // the old naming
        var read = LoopFolder.Open(folder);
        Assert.Equal(1500, read.Options.Run.LimitUsers);
        Assert.Equal(20, read.Options.Generation.Tau);
        var rounds = File.ReadAllLines(Path.Combine(folder, "rounds.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        foreach (int k in read.Rounds)
        {
            var round = read.ReadRound(k);
            Assert.Equal(k, round.Round);
            Assert.Equal(double.Parse(rounds[k][1], System.Globalization.CultureInfo.InvariantCulture), round.Test["recall@10"]);
            Assert.Equal(int.Parse(rounds[k][6]), round.SyntheticRows);
        }
        Assert.NotEmpty(TheoryCheck.ReadTable(folder).Rows);
        Assert.NotEmpty(Sweep.Read(Committed("sweep-tau-beauty1500")).Points);
    }

    [Fact]
    public void A_config_in_snake_case_reads_like_one_in_csharp_names_and_a_typo_in_either_is_an_error()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-config-").FullName;
        try
        {
            string snake = Path.Combine(folder, "snake.json"), csharp = Path.Combine(folder, "csharp.json"), typo = Path.Combine(folder, "typo.json");
            File.WriteAllText(snake, """{ "device": "cpu", "limit_users": 300, "training": { "max_epochs": 3, "learning_rate": 0.002 } }""");
            File.WriteAllText(csharp, """{ "Device": "cpu", "LimitUsers": 300, "Training": { "MaxEpochs": 3, "LearningRate": 0.002 } }""");
            File.WriteAllText(typo, """{ "training": { "max_epoch": 3 } }""");
            var fromSnake = TrainingRunOptions.FromJsonFile(snake);
            Assert.Equal(TrainingRunOptions.FromJsonFile(csharp), fromSnake);
            Assert.Equal(3, fromSnake.Training.MaxEpochs);
            Assert.Equal(300, fromSnake.LimitUsers);
            var error = Assert.Throws<JsonException>(() => TrainingRunOptions.FromJsonFile(typo));
            Assert.Contains(typo, error.Message);
            Assert.Contains("max_epoch", error.Message);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
