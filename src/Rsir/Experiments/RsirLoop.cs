using System.Diagnostics;
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

/// <summary>The recursive loop's settings; the no-judge ablation is <c>Generation.Tau = ∞</c>.</summary>
public sealed record RsirLoopOptions
{
    public TrainingRunOptions Run { get; init; } = new();
    public GenerationOptions Generation { get; init; } = new();
    /// <summary>RSIR rounds after the base model (round 0).</summary>
    public int Rounds { get; init; } = 3;
    /// <summary>RSIR-FT: fine-tune f_k on D_{k+1} instead of training f_{k+1} from scratch.</summary>
    public bool FineTune { get; init; }
    /// <summary>Weak-to-strong: a different backbone generates and judges (trained on D_k each round); null = the learner.</summary>
    public BackboneOptions? Teacher { get; init; }

    /// <summary>What the experiment is, for resuming and extending: everything but the number of rounds and the device
    /// (how it executes). Compared as its JSON text.</summary>
    public string Experiment() => JsonSerializer.Serialize(Resolved() with { Rounds = 0, Run = Run.Recipe() }, ResultsFolder.Json);

    /// <summary>What the base model f_0 depends on (data, backbone, training recipe, teacher), for <c>--base-from</c>.</summary>
    public string BaseRecipe() => JsonSerializer.Serialize(new { Run = Run.Recipe(), Teacher }, ResultsFolder.Json);

    /// <summary>
    /// The loop's policy for what its options leave open, the same for every front end (CLI, notebooks, your code):
    /// generation draws from the training seed unless given its own, and the default synthetic length follows a
    /// backbone that reads shorter sequences. <see cref="RsirLoop"/> runs (and records) the resolved options.
    /// </summary>
    public RsirLoopOptions Resolved() => this with
    {
        Generation = Generation with
        {
            Seed = Generation.Seed ?? (ulong)Run.Training.Seed,
            MaxLength = Generation.MaxLength == GenerationOptions.DefaultMaxLength
                ? Math.Min(Generation.MaxLength, Math.Min(Run.Backbone.MaxLength, Teacher?.MaxLength ?? int.MaxValue))
                : Generation.MaxLength,
        },
    };

    public RsirLoopOptions Validate()
    {
        Run.Validate();
        Generation.Validate();
        Teacher?.Validate();
        if (Rounds < 0) throw new ArgumentOutOfRangeException(nameof(Rounds), $"Rounds must be ≥ 0; got {Rounds}.");
        if (Generation.MaxLength > Run.Backbone.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(Generation), $"Generation.MaxLength {Generation.MaxLength} exceeds the backbone's MaxLength {Run.Backbone.MaxLength}.");
        return this;
    }
}

/// <summary>One round's outcome: the learner's metrics on D_k and, for k ≥ 1, what generation added.</summary>
public sealed record RoundResult(int Round, IReadOnlyDictionary<string, double> Test, IReadOnlyDictionary<string, double> Validation,
    int EpochsRun, int BestEpoch, double SecondsPerEpoch, int TrainRows, int SyntheticRows, double Density,
    RoundStatistics? Generation, double JudgeMeanRank, double Seconds, bool Resumed)
{
    /// <summary>Where the round ran (e.g. "cpu (2 threads)"): how it executed, not part of what the experiment is, so
    /// a loop may resume or extend on another device. Null in folders written before it was recorded.</summary>
    public string? Device { get; init; }

    public double Recall(int k) => Test[$"recall@{k}"];
    public double Ndcg(int k) => Test[$"ndcg@{k}"];
}

public sealed record RsirLoopResult(RsirLoopOptions Options, IReadOnlyList<RoundResult> Rounds, string? ResultsPath,
    IReadOnlyList<EvaluationResult> TestResults);

/// <summary>
/// RSIR: train f_0 on D_0; then for k = 1..K, let f_{k-1} (or the teacher) generate synthetic sequences from D_{k-1}
/// under the fidelity judge, D_k = D_{k-1} ∪ synthetic, and train f_k on D_k (from scratch, or fine-tuned: RSIR-FT).
/// Every finished round is saved (model, synthetic rows, metrics, statistics) in its own folder; a run started again
/// with the same results folder continues after its last finished round and gives the same numbers.
/// </summary>
public sealed class RsirLoop
{
    private readonly RsirLoopOptions options;

    public RsirLoop(RsirLoopOptions options) => this.options = options.Resolved().Validate();

    public event Action<RoundResult>? RoundCompleted;
    public event Action<int, EpochReport>? EpochCompleted;
    public event Action<int, string>? Stage;

    /// <param name="resultsFolder">Where rounds are saved; a folder with finished rounds resumes after the last one.</param>
    /// <param name="cancellation">Stops between epochs; the finished rounds stay saved for a resume.</param>
    /// <param name="baseFrom">Another loop folder whose finished base model f_0 (same data, backbone and training
    /// recipe) this run starts from instead of training its own, e.g. the judged run for the no-judge ablation.</param>
    public RsirLoopResult Run(string? resultsFolder = null, CancellationToken cancellation = default, string? baseFrom = null)
    {
        var device = options.Run.ResolveDevice();
        var loaded = TrainingRun.LoadDataset(options.Run);
        string? root = resultsFolder is null ? null : Path.GetFullPath(resultsFolder);
        if (baseFrom is not null && root is null) throw new ArgumentException("Starting from another run's base model needs a results folder.", nameof(baseFrom));
        var baseRun = baseFrom is null ? null : SameBase(Path.GetFullPath(baseFrom));
        if (root is not null) PrepareFolder(root, loaded.Origin, device);
        if (root is not null && baseRun is not null) CopyBase(baseRun, root);

        var data = loaded.Dataset;
        var rounds = new List<RoundResult>();
        var tests = new List<EvaluationResult>();
        SequentialRecommender? learner = null, teacher = null;
        try
        {
            for (int k = 0; k <= options.Rounds; k++)
            {
                cancellation.ThrowIfCancellationRequested();
                string? roundFolder = root is null ? null : Path.Combine(root, $"round-{k:D2}");
                if (roundFolder is not null && File.Exists(Path.Combine(roundFolder, "done")))
                {
                    (data, learner, teacher) = Resume(roundFolder, k, data, learner, teacher, device, loaded.Origin.Name);
                    var saved = JsonSerializer.Deserialize<RoundResult>(File.ReadAllText(Path.Combine(roundFolder, "round.json")), ResultsFolder.Json)!;
                    rounds.Add(saved with { Resumed = true });
                    tests.Add(LoopFolder.ReadRanks(Path.Combine(roundFolder, "test_ranks.csv"),
                        new EvaluationProtocol("test", options.Run.Evaluation.MaskHistory, data.ItemCount, options.Run.Evaluation.Cutoffs)));
                    RoundCompleted?.Invoke(rounds[^1]);
                    continue;
                }

                var clock = Stopwatch.StartNew();
                GenerationRound? generated = null;
                double judgeMeanRank = double.NaN;
                if (k > 0)
                {
                    var generator = teacher ?? learner!;
                    Stage?.Invoke(k, $"generating from D_{k - 1} with {generator.GetName()} (tau {options.Generation.Tau})");
                    var generation = options.Generation with { Seed = RoundSeed(options.Generation, k) };
                    generated = new SyntheticSequenceGenerator(generator, generation).Generate(data, k);
                    judgeMeanRank = generated.Judge.MeanRank;
                    data = generated.AppendTo(data);
                    VerifyProtocol(data);
                }

                TrainingResult? teacherResult = null;   // only the rounds that train a teacher
                if (options.Teacher is not null && k < options.Rounds)
                {
                    Stage?.Invoke(k, $"training teacher {options.Teacher.Kind} on D_{k}");
                    teacher?.Dispose();
                    (teacher, teacherResult) = Train(Fresh(options.Teacher, data, device, loaded.Origin.Name), data, k, cancellation);
                    var t = teacherResult.Test;
                    Stage?.Invoke(k, $"teacher {options.Teacher.Kind}: test R@10 {t.Recall(10):F4}, N@10 {t.Ndcg(10):F4} ({teacherResult.EpochsRun} epochs)");
                }

                Stage?.Invoke(k, k == 0 ? "training the base model f_0 on D_0"
                    : options.FineTune ? $"fine-tuning f_{k - 1} on D_{k}" : $"training f_{k} from scratch on D_{k}");
                var model = options.FineTune && learner is not null ? learner : Fresh(options.Run.Backbone, data, device, loaded.Origin.Name);
                if (!ReferenceEquals(model, learner)) learner?.Dispose();
                var (trained, result) = Train(model, data, k, cancellation);
                learner = trained;

                var synthetic = data.TrainRows.Count - data.RealRowCount;
                var roundResult = new RoundResult(k, result.Test.Metrics(), result.Validation.Metrics(), result.EpochsRun,
                    result.BestEpoch, result.SecondsPerEpoch, data.TrainRows.Count, synthetic, data.TrainingDensity(),
                    generated?.Statistics, judgeMeanRank, clock.Elapsed.TotalSeconds, Resumed: false) { Device = ComputeDevice.Describe(device) };
                if (roundFolder is not null) SaveRound(roundFolder, roundResult, result, generated, learner, teacher, teacherResult);
                rounds.Add(roundResult);
                tests.Add(result.Test);
                RoundCompleted?.Invoke(roundResult);
            }
        }
        finally
        {
            if (!ReferenceEquals(teacher, learner)) teacher?.Dispose();
            learner?.Dispose();
        }
        if (root is not null) WriteSummary(root, rounds);
        return new RsirLoopResult(options, rounds, root, tests);
    }

    private SequentialRecommender Fresh(BackboneOptions backbone, Dataset data, torch.Device device, string dataset)
    {
        return Backbones.Build(backbone, data.ItemCount, dataset, options.Run.Training.Seed, device);
    }

    private (SequentialRecommender Model, TrainingResult Result) Train(SequentialRecommender model, Dataset data, int round, CancellationToken cancellation)
    {
        var trainer = new Trainer(options.Run.Training, options.Run.Evaluation);
        trainer.EpochCompleted += report => EpochCompleted?.Invoke(round, report);
        var result = trainer.Fit(model, data, cancellation);
        if (result.Cancelled) throw new OperationCanceledException(cancellation);
        return (model, result);
    }

    private void PrepareFolder(string root, DatasetOrigin origin, torch.Device device)
    {
        OutputLocation.CreateFolder(root, "results folder");
        var optionsFile = Path.Combine(root, "options.json");
        var json = JsonSerializer.Serialize(options, ResultsFolder.Json);
        if (File.Exists(optionsFile))
        {
            var saved = JsonSerializer.Deserialize<RsirLoopOptions>(File.ReadAllText(optionsFile), ResultsFolder.Json);
            // More (or fewer) rounds extend (or stop early) the same run, on any device; any other change is another experiment.
            if (saved is null || saved.Experiment() != options.Experiment())
                throw new InvalidOperationException(
                    $"'{root}' holds a run with other options ({optionsFile}); resume it with the same options (only --rounds and --device may change) or choose another --out.");
            if (saved.Rounds != options.Rounds) AtomicFile.WriteAllText(optionsFile, JsonSerializer.Serialize(saved with { Rounds = options.Rounds }, ResultsFolder.Json));
        }
        else
        {
            // options.json last: its presence means the folder is set up (a run killed before it starts afresh).
            AtomicFile.WriteAllText(Path.Combine(root, "run.json"), JsonSerializer.Serialize(
                new { command = "loop", dataset = origin, run = RunInfo.Capture(ComputeDevice.Describe(device)) }, ResultsFolder.Json));
            AtomicFile.WriteAllText(optionsFile, json);
        }
    }

    /// <summary>Opens another loop folder whose base model f_0 this run may reuse: same data, backbone, recipe and teacher.</summary>
    private LoopFolder SameBase(string source)
    {
        var other = LoopFolder.Open(source);
        if (other.Options.BaseRecipe() != options.BaseRecipe())
            throw new InvalidOperationException(
                $"The base model in '{source}' was trained with other data, backbone, training options or teacher than this run; it cannot be reused.");
        return other;
    }

    private static void CopyBase(LoopFolder source, string root)
    {
        var target = Path.Combine(root, LoopFolder.RoundFolderName(0));
        if (File.Exists(Path.Combine(target, "done"))) return;
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);   // a folder without "done": an unfinished attempt
        var files = ResultsFolder.Open(root, LoopFolder.RoundFolderName(0));
        foreach (var file in Directory.GetFiles(source.RoundFolder(0))) File.Copy(file, files.File(Path.GetFileName(file)));
        files.Complete();
    }

    private static void SaveRound(string folder, RoundResult round, TrainingResult result, GenerationRound? generated,
        SequentialRecommender learner, SequentialRecommender? teacher, TrainingResult? teacherResult)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);   // a folder without "done": an unfinished attempt
        var files = ResultsFolder.Open(Path.GetDirectoryName(folder)!, Path.GetFileName(folder));
        AtomicFile.WriteVia(files.File("model.bin"), t => learner.save(t));
        if (teacher is not null) AtomicFile.WriteVia(files.File("teacher.bin"), t => teacher.save(t));
        if (generated is not null)
        {
            SyntheticRowsFile.Write(files.File(SyntheticRowsFile.Name), generated.Rows);
            files.WriteJson("judge.json", generated.Judge);
        }
        files.WriteJson("round.json", round);
        files.WriteCsv("epochs.csv", TrainingRun.EpochHeader, result.Epochs.Select(TrainingRun.EpochRow));
        TrainingRun.WriteOutcome(files, result);
        if (teacherResult is not null) TrainingRun.WriteOutcome(files, teacherResult, prefix: "teacher_");
        AtomicFile.WriteAllText(files.File("done"), DateTimeOffset.UtcNow.ToString("O"));
        files.Complete();
    }

    private (Dataset, SequentialRecommender?, SequentialRecommender?) Resume(string folder, int round, Dataset data,
        SequentialRecommender? learner, SequentialRecommender? teacher, torch.Device device, string dataset)
    {
        if (SyntheticRowsFile.Find(folder) is { } synthetic) data = data.WithTrainingRows(SyntheticRowsFile.Read(synthetic, round));
        VerifyProtocol(data);
        bool lastFinished = round == options.Rounds || !File.Exists(Path.Combine(Path.GetDirectoryName(folder)!, $"round-{round + 1:D2}", "done"));
        if (!lastFinished) return (data, learner, teacher);   // only the last finished round's models are needed
        learner?.Dispose();
        long seed = options.Run.Training.Seed;
        learner = LoopFolder.LoadModel(Path.Combine(folder, "model.bin"), options.Run.Backbone, data.ItemCount, dataset, seed, device);
        var teacherFile = Path.Combine(folder, "teacher.bin");
        if (options.Teacher is not null && File.Exists(teacherFile))
        {
            teacher?.Dispose();
            teacher = LoopFolder.LoadModel(teacherFile, options.Teacher, data.ItemCount, dataset, seed, device);
        }
        return (data, learner, teacher);
    }

    /// <summary>Real rows are still s[:-2] after D_k ∪ synthetic. With training noise they differ from the users'
    /// sequences by design (the clean split was checked when the data loaded), so the check is skipped.</summary>
    private void VerifyProtocol(Dataset data)
    {
        if (options.Run.TrainingNoise == 0) LeakageCheck.Verify(data);
    }

    /// <summary>Round k's generation seed: the options' seed + k, so every round draws differently and reproducibly.</summary>
    public static ulong RoundSeed(GenerationOptions generation, int round) => (generation.Seed ?? GenerationOptions.DefaultSeed) + (ulong)round;

    private static void WriteSummary(string root, IReadOnlyList<RoundResult> rounds)
    {
        AtomicFile.WriteAllText(Path.Combine(root, "rounds.csv"), w =>
        {
            w.Write("round,recall@10,recall@20,ndcg@10,ndcg@20,train_rows,synthetic_rows,density,mean_synthetic_length,judge_pass_rate,epochs,seconds\n");
            foreach (var r in rounds)
                w.Write(string.Join(',', new object[] { r.Round, r.Recall(10), r.Recall(20), r.Ndcg(10), r.Ndcg(20), r.TrainRows,
                    r.SyntheticRows, r.Density, r.Generation?.MeanLength ?? double.NaN, r.Generation?.JudgePassRate ?? double.NaN,
                    r.EpochsRun, r.Seconds }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n");
        });
    }
}
