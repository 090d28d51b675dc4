using System.Text.Json;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Models;
using Rsir.Runtime;
using TorchSharp;

namespace Rsir.Experiments;

/// <summary>
/// A results folder written by <see cref="RsirLoop"/>, read back: its options, its finished rounds (round-NN/ with a
/// "done" marker, contiguous from round 0), each round's metrics, synthetic rows and per-user test ranks.
/// </summary>
public sealed class LoopFolder
{
    public string Path { get; }
    public RsirLoopOptions Options { get; }
    /// <summary>Finished rounds 0..K, in order.</summary>
    public IReadOnlyList<int> Rounds { get; }

    private LoopFolder(string path, RsirLoopOptions options, IReadOnlyList<int> rounds)
    {
        Path = path; Options = options; Rounds = rounds;
    }

    public static bool IsLoopFolder(string path) =>
        File.Exists(System.IO.Path.Combine(path, "options.json")) && Directory.Exists(System.IO.Path.Combine(path, "round-00"));

    public static LoopFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"Loop results folder not found: {full}");
        var optionsFile = System.IO.Path.Combine(full, "options.json");
        if (!File.Exists(optionsFile))
            throw new FileNotFoundException($"'{full}' is not an RSIR loop folder (it has no options.json).", optionsFile);
        var options = ResultsFolder.ReadJson<RsirLoopOptions>(optionsFile);
        var rounds = Enumerable.Range(0, FinishedRoundCount(full)).ToList();
        if (rounds.Count == 0) throw new InvalidDataException($"'{full}' has no finished round (round-00/done is missing).");
        return new LoopFolder(full, options, rounds);
    }

    public static string RoundFolderName(int round) => $"round-{round:D2}";

    /// <summary>How many rounds of the loop folder at <paramref name="path"/> are finished (round-NN/done, contiguous from
    /// round 0); 0 when none is, or the folder does not exist.</summary>
    public static int FinishedRoundCount(string path)
    {
        int count = 0;
        while (File.Exists(System.IO.Path.Combine(path, RoundFolderName(count), "done"))) count++;
        return count;
    }

    /// <summary>The finished rounds as a loop result (as <see cref="RsirLoop.Run"/> returned it), for tables and plots
    /// of a run made elsewhere (e.g. with the CLI).</summary>
    public RsirLoopResult ReadResult() =>
        new(Options, Rounds.Select(k => ReadRound(k) with { Resumed = true }).ToArray(), Path, Rounds.Select(ReadTestRanks).ToArray());
    public string RoundFolder(int round) => System.IO.Path.Combine(Path, RoundFolderName(round));
    public string ModelFile(int round) => System.IO.Path.Combine(RoundFolder(round), "model.bin");
    public int LastRound => Rounds[^1];

    public RoundResult ReadRound(int round) =>
        ResultsFolder.ReadJson<RoundResult>(System.IO.Path.Combine(Finished(round), "round.json"));

    /// <summary>The synthetic rows round <paramref name="round"/> added (none for round 0).</summary>
    public IReadOnlyList<TrainingRow> ReadSynthetic(int round)
    {
        return SyntheticRowsFile.Find(Finished(round)) is { } file ? SyntheticRowsFile.Read(file, round) : Array.Empty<TrainingRow>();
    }

    /// <summary>Round <paramref name="round"/>'s test ranks; <paramref name="itemCount"/> only labels the protocol.</summary>
    public EvaluationResult ReadTestRanks(int round, int itemCount = 0) =>
        ReadRanks(System.IO.Path.Combine(Finished(round), "test_ranks.csv"),
            new EvaluationProtocol("test", Options.Run.Evaluation.MaskHistory, itemCount, Options.Run.Evaluation.Cutoffs));

    /// <summary>D_0 as the loop loaded it. <paramref name="data"/>: where named datasets are found (null:
    /// <see cref="DatasetCatalog.FromEnvironment"/>).</summary>
    public LoadedDataset LoadInitialData(DatasetCatalog? data = null) => TrainingRun.LoadDataset(Options.Run, data);

    /// <summary>D_0, D_1, …, D_K: each round's training set, rebuilt from D_0 and the rounds' synthetic rows, with the
    /// rows that round added (none for round 0).</summary>
    public IEnumerable<(int Round, Dataset Data, IReadOnlyList<TrainingRow> Added)> TrainingSets(Dataset initial)
    {
        var data = initial;
        foreach (int k in Rounds)
        {
            var added = ReadSynthetic(k);
            if (added.Count > 0) data = data.WithTrainingRows(added);
            yield return (k, data, added);
        }
    }

    /// <summary>The model that generated round k+1's rows from D_k: f_k, or round k's teacher in a weak-to-strong run.</summary>
    public SequentialRecommender LoadGenerator(int round, int itemCount, torch.Device device, string datasetName)
    {
        var folder = Finished(round);
        if (Options.Teacher is null)
            return LoadModel(System.IO.Path.Combine(folder, "model.bin"), Options.Run.Backbone, itemCount, datasetName, Options.Run.Training.Seed, device);
        var teacher = System.IO.Path.Combine(folder, "teacher.bin");
        if (!File.Exists(teacher))
            throw new FileNotFoundException($"Round {round} of '{Path}' has no teacher.bin: a weak-to-strong run trains a teacher in every round but its last.", teacher);
        return LoadModel(teacher, Options.Teacher, itemCount, datasetName, Options.Run.Training.Seed, device);
    }

    /// <summary>A saved model: the backbone built as training built it (same seed), then its saved weights.</summary>
    internal static SequentialRecommender LoadModel(string file, BackboneOptions backbone, int itemCount, string datasetName, long seed, torch.Device device)
    {
        if (!File.Exists(file))
            throw new FileNotFoundException($"No saved model at {file} (committed results folders leave the weights out).", file);
        var model = Backbones.Build(backbone, itemCount, datasetName, seed, device);
        model.load(file);
        return model;
    }

    /// <summary>Round <paramref name="round"/>'s folder; an error naming the finished rounds when it is not finished.</summary>
    internal string Finished(int round)
    {
        if (!Rounds.Contains(round))
            throw new ArgumentOutOfRangeException(nameof(round), $"Round {round} is not finished in '{Path}' (finished: 0..{LastRound}).");
        return RoundFolder(round);
    }

    /// <summary>Per-user ranks from a test_ranks.csv ("user,rank", −1 = miss).</summary>
    public static EvaluationResult ReadRanks(string file, EvaluationProtocol protocol)
    {
        if (!StoredText.Exists(file)) throw new FileNotFoundException($"No per-user test ranks at {file}.", file);
        var users = new List<int>();
        var ranks = new List<int>();
        int line = 1;
        foreach (var text in StoredText.ReadLines(file).Skip(1))
        {
            line++;
            var f = text.Split(',');
            if (f.Length != 2 || !int.TryParse(f[0], out int user) || !int.TryParse(f[1], out int rank))
                throw new DataFormatException(file, line, text, "expected user,rank");
            users.Add(user);
            ranks.Add(rank < 0 ? RankingMetrics.Miss : rank);
        }
        return new EvaluationResult(protocol, users, ranks);
    }

    /// <summary>
    /// The test ranks of a loop folder's round (default: its last) or of a training run's folder (test_ranks.csv).
    /// </summary>
    public static (EvaluationResult Ranks, string Label) ReadTestRanksOfRun(string folder, int? round = null)
    {
        var full = System.IO.Path.GetFullPath(folder);
        if (IsLoopFolder(full))
        {
            var loop = Open(full);
            int k = round ?? loop.LastRound;
            return (loop.ReadTestRanks(k), $"{System.IO.Path.GetFileName(full)} round {k}");
        }
        if (round is not null)
            throw new ArgumentException($"'{full}' is not a loop folder, so it has no rounds; leave the round out.");
        var ranks = System.IO.Path.Combine(full, "test_ranks.csv");
        if (!StoredText.Exists(ranks))
            throw new FileNotFoundException($"'{full}' is neither a loop folder nor a training run's folder (no test_ranks.csv).", ranks);
        return (ReadRanks(ranks, new EvaluationProtocol("test", true, 0, new[] { 5, 10, 20 })), System.IO.Path.GetFileName(full));
    }
}
