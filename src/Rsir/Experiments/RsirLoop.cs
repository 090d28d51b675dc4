using System.Diagnostics;
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
    /// (how it executes). Two runs are the same experiment when their keys are equal.</summary>
    public ExperimentKey Experiment()
    {
        var resolved = Resolved();
        return new(Run.Recipe(), resolved.Generation, FineTune, Teacher);
    }

    /// <summary>What the base model f_0 depends on (data, backbone, training recipe, teacher), for <c>--base-from</c>.</summary>
    public BaseModelKey BaseRecipe() => new(Run.Recipe(), Teacher);

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

/// <summary>A loop experiment's identity (<see cref="RsirLoopOptions.Experiment"/>): compared by value, field by field.</summary>
public sealed record ExperimentKey(TrainingRunOptions Recipe, GenerationOptions Generation, bool FineTune, BackboneOptions? Teacher);

/// <summary>What a base model f_0 is trained from (<see cref="RsirLoopOptions.BaseRecipe"/>): compared by value.</summary>
public sealed record BaseModelKey(TrainingRunOptions Recipe, BackboneOptions? Teacher);

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
/// Every finished round is saved (model, synthetic rows, metrics, statistics) in its own folder (<see cref="RoundStore"/>);
/// a run started again with the same results folder continues after its last finished round and gives the same numbers.
/// </summary>
public sealed class RsirLoop
{
    private readonly RsirLoopOptions options;

    private readonly DatasetCatalog catalog;

    /// <param name="options">The loop's settings; what they leave open is resolved here (<see cref="RsirLoopOptions.Resolved"/>).</param>
    /// <param name="data">Where named datasets are found; null: <see cref="DatasetCatalog.FromEnvironment"/>, read now.
    /// Recorded in the loop's run.json.</param>
    public RsirLoop(RsirLoopOptions options, DatasetCatalog? data = null)
    {
        this.options = options.Resolved().Validate();
        catalog = data ?? DatasetCatalog.FromEnvironment();
    }

    public event Action<RoundResult>? RoundCompleted;
    public event Action<int, EpochReport>? EpochCompleted;
    public event Action<int, string>? Stage;

    /// <param name="resultsFolder">Where rounds are saved; a folder with finished rounds resumes after the last one.</param>
    /// <param name="cancellation">Stops between epochs; the finished rounds stay saved for a resume.</param>
    /// <param name="baseFrom">Another loop folder whose finished base model f_0 (same data, backbone and training
    /// recipe) this run starts from instead of training its own, e.g. the judged run for the no-judge ablation.</param>
    public RsirLoopResult Run(string? resultsFolder = null, CancellationToken cancellation = default, string? baseFrom = null)
    {
        if (baseFrom is not null && resultsFolder is null) throw new ArgumentException("Starting from another run's base model needs a results folder.", nameof(baseFrom));
        var device = options.Run.ResolveDeviceAndPrecision();
        var loaded = TrainingRun.LoadDataset(options.Run, catalog);
        var store = resultsFolder is null ? null : RoundStore.Open(resultsFolder, options, loaded.Origin, catalog, device, baseFrom);
        string dataset = loaded.Origin.Name;
        // A round's training saves a checkpoint after every epoch (CPU only), so a stopped round resumes mid-training.
        string? Checkpoint(int round, bool teacher) =>
            store is not null && TrainingCheckpoint.SupportedOn(device) ? store.CheckpointFile(round, teacher) : null;

        var data = loaded.Dataset;                                   // D_k
        SequentialRecommender? learner = null, teacher = null;      // f_k, and the weak-to-strong teacher trained on D_k
        var rounds = new List<RoundResult>();
        var tests = new List<EvaluationResult>();
        void Completed(RoundResult round, EvaluationResult test)
        {
            rounds.Add(round);
            tests.Add(test);
            RoundCompleted?.Invoke(round);
        }
        try
        {
            for (int k = 0; k <= options.Rounds; k++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (store is not null && store.IsFinished(k))
                {
                    var (saved, savedTest, added) = store.Read(k, data.ItemCount);
                    if (added.Count > 0) data = data.WithTrainingRows(added);
                    VerifyProtocol(data);
                    if (!store.IsFinished(k + 1) || k == options.Rounds)   // only the last finished round's models are needed
                    {
                        learner?.Dispose(); teacher?.Dispose();
                        (learner, teacher) = store.LoadModels(k, data.ItemCount, dataset, device);
                    }
                    Completed(saved, savedTest);
                    continue;
                }

                var clock = Stopwatch.StartNew();
                GenerationRound? generated = null;
                if (k > 0)
                {
                    // Generate and judge: f_{k-1} (or the teacher) writes sequences; the judge stops each one that drifts.
                    generated = Generate(teacher ?? learner!, data, k);
                    // Merge: D_k = D_{k-1} ∪ synthetic.
                    data = generated.AppendTo(data);
                    VerifyProtocol(data);
                }
                TrainingResult? teacherResult = null;   // only the rounds that train a teacher
                if (options.Teacher is not null && k < options.Rounds)
                {
                    teacher?.Dispose();
                    (teacher, teacherResult) = TrainTeacher(data, k, device, dataset, Checkpoint(k, teacher: true), cancellation);
                }
                // Train f_k on D_k: from scratch (RSIR) or fine-tuning f_{k-1} (RSIR-FT).
                var (trained, result) = TrainLearner(learner, data, k, device, dataset, Checkpoint(k, teacher: false), cancellation);
                learner = trained;

                var round = new RoundResult(k, result.Test.Metrics(), result.Validation.Metrics(), result.EpochsRun,
                    result.BestEpoch, result.SecondsPerEpoch, data.TrainRows.Count, data.TrainRows.Count - data.RealRowCount,
                    data.TrainingDensity(), generated?.Statistics, generated?.Judge.MeanRank ?? double.NaN,
                    clock.Elapsed.TotalSeconds, Resumed: false) { Device = ComputeDevice.Describe(device) };
                store?.Save(round, result, generated, learner, teacher, teacherResult);
                Completed(round, result.Test);
            }
        }
        finally
        {
            if (!ReferenceEquals(teacher, learner)) teacher?.Dispose();
            learner?.Dispose();
        }
        store?.WriteSummary(rounds);
        return new RsirLoopResult(options, rounds, store?.Root, tests);
    }

    private GenerationRound Generate(SequentialRecommender generator, Dataset data, int round)
    {
        Stage?.Invoke(round, $"generating from D_{round - 1} with {generator.GetName()} (tau {options.Generation.Tau})");
        var generation = options.Generation with { Seed = RoundSeed(options.Generation, round) };
        var generated = new SyntheticSequenceGenerator(generator, generation) { Progress = text => Stage?.Invoke(round, $"generating: {text}") }
            .Generate(data, round);
        var stats = generated.Statistics;
        Stage?.Invoke(round, FormattableString.Invariant(
            $"generated {stats.SequencesKept:N0} of {stats.SequencesTried:N0} sequences (mean length {stats.MeanLength:F1}, judge pass rate {stats.JudgePassRate:F3}) in {stats.WallTime.TotalMinutes:F1} min"));
        return generated;
    }

    private (SequentialRecommender, TrainingResult) TrainTeacher(Dataset data, int round, torch.Device device, string dataset,
        string? checkpoint, CancellationToken cancellation)
    {
        var teacherBackbone = options.Teacher!;
        Stage?.Invoke(round, $"training teacher {teacherBackbone.Kind} on D_{round}");
        var (teacher, result) = Train(Fresh(teacherBackbone, data, device, dataset), data, round, checkpoint, cancellation);
        Stage?.Invoke(round, $"teacher {teacherBackbone.Kind}: test R@10 {result.Test.Recall(10):F4}, N@10 {result.Test.Ndcg(10):F4} ({result.EpochsRun} epochs)");
        return (teacher, result);
    }

    private (SequentialRecommender, TrainingResult) TrainLearner(SequentialRecommender? previous, Dataset data, int round,
        torch.Device device, string dataset, string? checkpoint, CancellationToken cancellation)
    {
        Stage?.Invoke(round, round == 0 ? "training the base model f_0 on D_0"
            : options.FineTune ? $"fine-tuning f_{round - 1} on D_{round}" : $"training f_{round} from scratch on D_{round}");
        var model = options.FineTune && previous is not null ? previous : Fresh(options.Run.Backbone, data, device, dataset);
        if (!ReferenceEquals(model, previous)) previous?.Dispose();
        return Train(model, data, round, checkpoint, cancellation);
    }

    private SequentialRecommender Fresh(BackboneOptions backbone, Dataset data, torch.Device device, string dataset) =>
        Backbones.Build(backbone, data.ItemCount, dataset, options.Run.Training.Seed, device);

    private (SequentialRecommender Model, TrainingResult Result) Train(SequentialRecommender model, Dataset data, int round,
        string? checkpoint, CancellationToken cancellation)
    {
        var trainer = new Trainer(options.Run.Training, options.Run.Evaluation) { CheckpointFile = checkpoint };
        trainer.EpochCompleted += report => EpochCompleted?.Invoke(round, report);
        trainer.Resumed += epoch => Stage?.Invoke(round, $"continuing from the checkpoint saved after epoch {epoch} ({checkpoint})");
        var result = trainer.Fit(model, data, cancellation);
        if (result.Cancelled) throw new OperationCanceledException(cancellation);
        return (model, result);
    }

    /// <summary>Real rows are still s[:-2] after D_k ∪ synthetic. With training noise they differ from the users'
    /// sequences by design (the clean split was checked when the data loaded), so the check is skipped.</summary>
    private void VerifyProtocol(Dataset data)
    {
        if (options.Run.TrainingNoise == 0) LeakageCheck.Verify(data);
    }

    /// <summary>Round k's generation seed: the options' seed + k, so every round draws differently and reproducibly.</summary>
    public static ulong RoundSeed(GenerationOptions generation, int round) => (generation.Seed ?? GenerationOptions.DefaultSeed) + (ulong)round;
}
