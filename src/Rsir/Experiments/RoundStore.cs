using System.Globalization;
using System.Text.Json;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;

namespace Rsir.Experiments;

/// <summary>
/// The writing side of a loop's results folder (<see cref="LoopFolder"/> is the reading side; both share its layout):
/// <c>options.json</c> and <c>run.json</c> when the folder is set up, then per round <c>round-NN/</c> with the model,
/// its synthetic rows, judge record, epochs, metrics and per-user test ranks, marked finished by <c>done</c>; and
/// <c>rounds.csv</c> at the end; while a round trains, its <c>round-NN.checkpoint.bin</c> (CPU). It opens a folder for
/// a fresh run, a resume (same experiment; only the number of rounds and the device may change; an unfinished round
/// continues from its checkpoint) or an extension, and reads finished rounds back so the loop continues after them.
/// </summary>
internal sealed class RoundStore
{
    private readonly string root;
    private readonly RsirLoopOptions options;

    private RoundStore(string root, RsirLoopOptions options)
    {
        this.root = root;
        this.options = options;
    }

    /// <summary>Sets up (or checks) the folder at <paramref name="folder"/>; with <paramref name="baseFrom"/>, round 0 is
    /// copied from that loop folder, which must have trained f_0 the same way.</summary>
    public static RoundStore Open(string folder, RsirLoopOptions options, DatasetOrigin origin, DatasetCatalog data, torch.Device device, string? baseFrom)
    {
        var baseRun = baseFrom is null ? null : SameBase(Path.GetFullPath(baseFrom), options);
        var store = new RoundStore(Path.GetFullPath(folder), options);
        store.Prepare(origin, data, device);
        if (baseRun is not null) store.CopyBase(baseRun);
        return store;
    }

    public string Root => root;

    public string RoundFolder(int round) => Path.Combine(root, LoopFolder.RoundFolderName(round));

    public bool IsFinished(int round) => File.Exists(Path.Combine(RoundFolder(round), "done"));

    /// <summary>Where round <paramref name="round"/>'s training (the learner's, or the teacher's) keeps its checkpoint
    /// while it runs: beside the round folders, never inside one, so only finished rounds have a folder. Removed once
    /// the finished round is saved.</summary>
    public string CheckpointFile(int round, bool teacher = false) =>
        Path.Combine(root, $"{LoopFolder.RoundFolderName(round)}{(teacher ? ".teacher" : "")}.checkpoint.bin");

    /// <summary>A finished round as it was saved: its result (marked resumed), test ranks and the synthetic rows it added.</summary>
    public (RoundResult Round, EvaluationResult Test, IReadOnlyList<TrainingRow> Added) Read(int round, int itemCount)
    {
        string folder = RoundFolder(round);
        var saved = ResultsFolder.ReadJson<RoundResult>(Path.Combine(folder, "round.json"));
        var test = LoopFolder.ReadRanks(Path.Combine(folder, "test_ranks.csv"),
            new EvaluationProtocol("test", options.Run.Evaluation.MaskHistory, itemCount, options.Run.Evaluation.Cutoffs));
        var added = SyntheticRowsFile.Find(folder) is { } file ? SyntheticRowsFile.Read(file, round) : Array.Empty<TrainingRow>();
        // Committed result folders drop large files; continuing without a round's rows would train on another D_k.
        int generated = saved.Generation?.SequencesKept ?? 0;
        if (added.Count != generated)
            throw new InvalidDataException(
                $"{folder}: round.json records {generated:N0} generated rows but {(added.Count == 0 ? $"there is no {SyntheticRowsFile.Name}(.gz)" : $"{SyntheticRowsFile.Name} holds {added.Count:N0}")}; " +
                "this loop cannot continue without them (restore the folder's files, e.g. from the git commit that added them).");
        return (saved with { Resumed = true }, test, added);
    }

    /// <summary>The saved learner (and teacher) of a finished round, to continue from.</summary>
    public (SequentialRecommender Learner, SequentialRecommender? Teacher) LoadModels(int round, int itemCount, string dataset, torch.Device device)
    {
        string folder = RoundFolder(round);
        long seed = options.Run.Training.Seed;
        var learner = LoopFolder.LoadModel(Path.Combine(folder, "model.bin"), options.Run.Backbone, itemCount, dataset, seed, device);
        var teacherFile = Path.Combine(folder, "teacher.bin");
        var teacher = options.Teacher is not null && File.Exists(teacherFile)
            ? LoopFolder.LoadModel(teacherFile, options.Teacher, itemCount, dataset, seed, device) : null;
        return (learner, teacher);
    }

    /// <summary>Writes a finished round; its <c>done</c> marker comes last, so a round killed while saving is redone.</summary>
    public void Save(RoundResult round, TrainingResult result, GenerationRound? generated,
        SequentialRecommender learner, SequentialRecommender? teacher, TrainingResult? teacherResult)
    {
        string folder = RoundFolder(round.Round);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);   // a folder without "done": an unfinished attempt
        var files = ResultsFolder.Open(root, LoopFolder.RoundFolderName(round.Round));
        AtomicFile.WriteVia(files.File("model.bin"), t => learner.save(t));
        if (teacher is not null) AtomicFile.WriteVia(files.File("teacher.bin"), t => teacher.save(t));
        if (generated is not null)
        {
            SyntheticRowsFile.Write(files.File(SyntheticRowsFile.Name), generated.Rows);
            files.WriteJson("judge.json", generated.Judge);
        }
        files.WriteJson("round.json", round);
        files.WriteEpochs(result.Epochs);
        files.WriteOutcome(result);
        if (teacherResult is not null) files.WriteOutcome(teacherResult, prefix: "teacher_");
        AtomicFile.WriteAllText(files.File("done"), DateTimeOffset.UtcNow.ToString("O"));
        files.Complete();
        foreach (bool ofTeacher in new[] { false, true }) File.Delete(CheckpointFile(round.Round, ofTeacher));
    }

    /// <summary>rounds.csv: one line per round, for spreadsheets and plots.</summary>
    public void WriteSummary(IReadOnlyList<RoundResult> rounds) =>
        AtomicFile.WriteAllText(Path.Combine(root, "rounds.csv"), w =>
        {
            w.Write("round,recall@10,recall@20,ndcg@10,ndcg@20,train_rows,synthetic_rows,density,mean_synthetic_length,judge_pass_rate,epochs,seconds\n");
            foreach (var r in rounds)
                w.Write(string.Join(',', new object[] { r.Round, r.Recall(10), r.Recall(20), r.Ndcg(10), r.Ndcg(20), r.TrainRows,
                    r.SyntheticRows, r.Density, r.Generation?.MeanLength ?? double.NaN, r.Generation?.JudgePassRate ?? double.NaN,
                    r.EpochsRun, r.Seconds }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n");
        });

    private void Prepare(DatasetOrigin origin, DatasetCatalog data, torch.Device device)
    {
        OutputLocation.CreateFolder(root, "results folder");
        var optionsFile = Path.Combine(root, "options.json");
        if (File.Exists(optionsFile))
        {
            var saved = ResultsFolder.ReadJson<RsirLoopOptions>(optionsFile);
            // More (or fewer) rounds extend (or stop early) the same run, on any device; any other change is another experiment.
            if (saved.Experiment() != options.Experiment())
                throw new InvalidOperationException(
                    $"'{root}' holds a run with other options ({optionsFile}); resume it with the same options (only --rounds and --device may change) or choose another --out.");
            CheckSameData(origin);
            if (saved.Rounds != options.Rounds)
                AtomicFile.WriteAllText(optionsFile, JsonSerializer.Serialize(saved with { Rounds = options.Rounds }, ResultsFolder.Json));
            return;
        }
        // options.json last: its presence means the folder is set up (a run killed before it starts afresh).
        AtomicFile.WriteAllText(Path.Combine(root, "run.json"), JsonSerializer.Serialize(
            new { command = "loop", dataset = origin, data_folders = data.Folders, run = RunInfo.Capture(ComputeDevice.Describe(device)) }, ResultsFolder.Json));
        AtomicFile.WriteAllText(optionsFile, JsonSerializer.Serialize(options, ResultsFolder.Json));
    }

    /// <summary>A resumed run must read the same data file its finished rounds were trained on (run.json records its md5).</summary>
    private void CheckSameData(DatasetOrigin origin)
    {
        var runFile = Path.Combine(root, "run.json");
        if (!File.Exists(runFile)) return;
        using var run = JsonDocument.Parse(File.ReadAllText(runFile));
        if (!run.RootElement.TryGetProperty("dataset", out var dataset) || !ResultsFolder.TryGetMember(dataset, "md5", out var md5)) return;
        string? recorded = md5.GetString();
        if (recorded is not null && !string.Equals(recorded, origin.Md5, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"'{root}' was started on a data file with md5 {recorded}; {origin.Path} now has md5 {origin.Md5}. Resume with the original file, or start a new run.");
    }

    /// <summary>Another loop folder whose base model f_0 this run may reuse: same data, backbone, recipe and teacher.</summary>
    private static LoopFolder SameBase(string source, RsirLoopOptions options)
    {
        var other = LoopFolder.Open(source);
        if (other.Options.BaseRecipe() != options.BaseRecipe())
            throw new InvalidOperationException(
                $"The base model in '{source}' was trained with other data, backbone, training options or teacher than this run; it cannot be reused.");
        return other;
    }

    private void CopyBase(LoopFolder source)
    {
        var target = RoundFolder(0);
        if (IsFinished(0)) return;
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);   // a folder without "done": an unfinished attempt
        var files = ResultsFolder.Open(root, LoopFolder.RoundFolderName(0));
        foreach (var file in Directory.GetFiles(source.RoundFolder(0))) File.Copy(file, files.File(Path.GetFileName(file)));
        files.Complete();
    }
}
