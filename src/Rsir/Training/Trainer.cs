using System.Diagnostics;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Models;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Training;

public sealed record EpochReport(int Epoch, double Loss, IReadOnlyDictionary<string, double> Validation,
    double ValidationScore, double TrainSeconds, double ValidationSeconds, bool Improved, int BestEpoch,
    double BestScore, double ElapsedSeconds, int MaxEpochs, int Patience)
{
    /// <summary>The epoch at which training stops if validation does not improve again.</summary>
    public int EarlyStopEpoch => Math.Min(MaxEpochs, BestEpoch + Patience);
}

public sealed record TrainingResult(int EpochsRun, int BestEpoch, double BestValidationScore, string StopReason,
    IReadOnlyList<EpochReport> Epochs, double SecondsPerEpoch, double TotalSeconds,
    EvaluationResult Validation, EvaluationResult Test)
{
    /// <summary>Stopped by the caller's cancellation token (the best weights so far were restored and tested).</summary>
    public bool Cancelled { get; init; }
}

/// <summary>Training stopped because the loss stopped being a finite number.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>
/// The training loop, in plain sight: for each epoch, shuffled batches of rows → loss → Adam step; then validate,
/// keep the best weights (an improvement is ≥ the best so far), stop after <c>Patience</c> epochs without one;
/// restore the best weights and test once.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingOptions options;
    private readonly Evaluator evaluator;
    private readonly IRecommendationLoss loss;

    public Trainer(TrainingOptions? options = null, EvaluationOptions? evaluation = null)
    {
        ComputeDevice.EnsureLibTorch();
        this.options = (options ?? new TrainingOptions()).Validate();
        evaluator = new Evaluator(evaluation);
        loss = IRecommendationLoss.Create(this.options);
    }

    public TrainingOptions Options => options;

    /// <summary>Called after every epoch (progress displays, notebooks, logs).</summary>
    public event Action<EpochReport>? EpochCompleted;

    /// <summary>Which of the equivalent CPU and accelerator computations to use; null: by the model's device.</summary>
    public ExecutionPaths? Paths { get; init; }

    /// <summary>Times the phases of every step (<c>rsir bench --phases</c>); null: not timed.</summary>
    public PhaseClock? Clock { get; init; }

    /// <summary>Where training negatives are drawn; null: <see cref="DeviceRandom.BulkDrawsOn"/> the model's device.</summary>
    public RandomDraws? NegativeDraws { get; init; }

    /// <summary>A file where <see cref="Fit"/> saves a <see cref="TrainingCheckpoint"/> after every epoch, and from which
    /// it continues when the file exists (a stopped run resumes bit for bit). CPU only; null: no checkpoints.</summary>
    public string? CheckpointFile { get; init; }

    /// <summary>Called when <see cref="Fit"/> continues from <see cref="CheckpointFile"/>, with the last epoch it had finished.</summary>
    public event Action<int>? Resumed;

    public TrainingResult Fit(SequentialRecommender model, Dataset data, CancellationToken cancellation = default)
    {
        if (model.ItemCount != data.ItemCount)
            throw new ArgumentException($"Model has {model.ItemCount} items but dataset '{data.Name}' has {data.ItemCount}.");
        DeviceRandom.SeedDefaultGenerators(options.Seed);
        var device = model.Device;
        if (CheckpointFile is not null && !TrainingCheckpoint.SupportedOn(device))
            throw new InvalidOperationException($"Training checkpoints need the CPU (TorchSharp 0.107 cannot save a {device.type} generator's state); got a model on {device}.");
        var random = new CountedRandom((int)options.Seed);
        using var negatives = NegativeStream(device);
        using var steps = PrepareSteps(model, data.TrainRows);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        using var validationSet = evaluator.Prepare(model, data.Validation);
        var (metric, k) = options.ParsedValidationMetric();

        var reports = new List<EpochReport>();
        var best = Snapshot(model);
        try
        {
            double bestScore = double.NegativeInfinity;
            int bestEpoch = 0, epochsWithoutImprovement = 0, firstEpoch = 1;
            string stopReason = $"reached {options.MaxEpochs} epochs";
            bool cancelled = false;
            var total = Stopwatch.StartNew();
            double trainSeconds = 0, elapsedBefore = 0;

            string? fingerprint = CheckpointFile is null ? null
                : TrainingCheckpoint.FingerprintOf(options, PathsOn(device), negatives.Draws, model, data);
            if (CheckpointFile is not null && File.Exists(CheckpointFile))
            {
                var saved = TrainingCheckpoint.Restore(CheckpointFile, fingerprint!, model, best, optimizer, negatives);
                random = CountedRandom.Resume(random.Seed, saved.ShuffleDraws);
                reports.AddRange(saved.Epochs);
                (firstEpoch, bestEpoch, bestScore, epochsWithoutImprovement) = (saved.Epoch + 1, saved.BestEpoch, saved.BestScore, saved.EpochsWithoutImprovement);
                (trainSeconds, elapsedBefore) = (saved.TrainSeconds, saved.ElapsedSeconds);
                Resumed?.Invoke(saved.Epoch);
            }

            for (int epoch = firstEpoch; epoch <= options.MaxEpochs && epochsWithoutImprovement < options.Patience; epoch++)
            {
                if (cancellation.IsCancellationRequested) { stopReason = "cancelled"; cancelled = true; break; }
                var clock = Stopwatch.StartNew();
                double epochLoss = TrainEpoch(model, optimizer, steps, random, negatives);
                double seconds = clock.Elapsed.TotalSeconds;
                trainSeconds += seconds;
                if (!double.IsFinite(epochLoss))
                    throw Diverged(model, best, bestEpoch, $"Epoch {epoch}: training loss is {epochLoss}");

                clock.Restart();
                var validation = evaluator.Evaluate(model, validationSet, "validation");
                // The last step of an epoch can break the weights after the loss was measured: the scores tell.
                if (validation.NonFiniteScores > 0)
                    throw Diverged(model, best, bestEpoch, $"Epoch {epoch}: training loss is {epochLoss}, but the model's scores " +
                        $"are no longer finite (NaN or ±∞ for {validation.NonFiniteScores} of {data.Validation.Count} validation users)");
                double score = metric == "ndcg" ? validation.Ndcg(k) : validation.Recall(k);
                bool improved = score >= bestScore;
                if (improved)
                {
                    var previous = best;
                    best = Snapshot(model);
                    DisposeAll(previous);
                    bestScore = score; bestEpoch = epoch; epochsWithoutImprovement = 0;
                }
                else epochsWithoutImprovement++;

                var report = new EpochReport(epoch, epochLoss, validation.Metrics(), score, seconds, clock.Elapsed.TotalSeconds,
                    improved, bestEpoch, bestScore, elapsedBefore + total.Elapsed.TotalSeconds, options.MaxEpochs, options.Patience);
                reports.Add(report);
                if (epochsWithoutImprovement >= options.Patience)
                    stopReason = $"no improvement of validation {options.ValidationMetric} for {options.Patience} epochs";
                else if (CheckpointFile is not null && epoch < options.MaxEpochs)
                    new TrainingCheckpoint(fingerprint!, epoch, bestEpoch, bestScore, epochsWithoutImprovement, trainSeconds,
                        elapsedBefore + total.Elapsed.TotalSeconds, random.Draws, reports.ToArray()).Save(CheckpointFile, model, best, optimizer, negatives);
                EpochCompleted?.Invoke(report);
            }

            Restore(model, best);
            var finalValidation = evaluator.Evaluate(model, validationSet, "validation");
            var test = evaluator.Evaluate(model, data.Test, "test");
            return new TrainingResult(reports.Count, bestEpoch, bestScore, stopReason, reports,
                reports.Count == 0 ? 0 : trainSeconds / reports.Count, elapsedBefore + total.Elapsed.TotalSeconds, finalValidation, test) { Cancelled = cancelled };
        }
        finally
        {
            DisposeAll(best);
        }
    }

    /// <summary>The paths this trainer takes for a model on <paramref name="device"/>.</summary>
    public ExecutionPaths PathsOn(Device device) => Paths ?? ExecutionPaths.For(device);

    /// <summary>The negative-sampling stream of a run on <paramref name="device"/>, seeded with the training seed.</summary>
    public DeviceRandom NegativeStream(Device device) =>
        new((ulong)options.Seed, device, NegativeDraws ?? DeviceRandom.BulkDrawsOn(device));

    /// <summary>The run's training rows ready to become steps on the model's device (and the model's dropout set to the
    /// same paths).</summary>
    public TrainingSteps PrepareSteps(SequentialRecommender model, IReadOnlyList<TrainingRow> rows)
    {
        var device = model.Device;
        var paths = PathsOn(device);
        model.UseExecutionPaths(paths);
        return new TrainingSteps(rows, model.ItemCount, model.MaxLength, options.GroupCostInPositions, paths, device);
    }

    /// <summary>One pass over the training rows; returns the mean loss per position.</summary>
    public double TrainEpoch(SequentialRecommender model, optim.Optimizer optimizer, TrainingSteps steps, Random random, DeviceRandom negatives)
    {
        model.train();
        var device = model.Device;
        var paths = PathsOn(device);
        var lossSum = zeros(1, dtype: ScalarType.Float64, device: device);
        long positions = 0;
        foreach (var batch in TrainingBatches.Epoch(steps.Count, options.BatchSize, random))
        {
            using var scope = NewDisposeScope();
            TrainingStep step;
            using (Clock?.Time("step tensors")) step = steps.Step(batch);
            using (Clock?.Time("optimizer")) optimizer.zero_grad();
            var stepLoss = StepLoss(model, step, random, negatives, paths);
            using (Clock?.Time("backward")) stepLoss.backward();
            using (Clock?.Time("optimizer")) optimizer.step();
            lossSum.add_(stepLoss.detach().to(ScalarType.Float64) * step.Positions);
            positions += step.Positions;
        }
        double mean = lossSum.item<double>() / Math.Max(1, positions);
        lossSum.Dispose();
        return mean;
    }

    /// <summary>The step's loss: recommendation loss averaged over all real positions (+ the backbone's own term).</summary>
    public Tensor StepLoss(SequentialRecommender model, TrainingStep step, Random random, DeviceRandom negatives, ExecutionPaths paths)
    {
        var table = model.ItemTable;
        Tensor? sum = null;
        foreach (var group in step.Groups)
        {
            Tensor hidden, groupSum;
            using (Clock?.Time("encoder forward")) hidden = model.Encode(group.Inputs);
            using (Clock?.Time("loss"))
                groupSum = loss.Sum(hidden.view(-1, model.Dim).index_select(0, group.PositionIndex), group, table, negatives, paths);
            sum = sum is null ? groupSum : sum + groupSum;
        }
        var mean = sum! / step.Positions;
        Tensor? auxiliary;
        using (Clock?.Time("auxiliary loss")) auxiliary = model.AuxiliaryLoss(step.Inputs, random);
        return auxiliary is null ? mean : mean + auxiliary;
    }

    /// <summary>Restores the best weights (the initial ones before any epoch finished) and says so.</summary>
    private static TrainingDivergedException Diverged(SequentialRecommender model, Dictionary<string, Tensor> best, int bestEpoch, string what)
    {
        Restore(model, best);
        string restored = bestEpoch == 0 ? "the initial weights (no epoch finished well)" : $"the best weights (epoch {bestEpoch})";
        return new TrainingDivergedException($"{what}; stopped and restored {restored}. Try a lower learning rate.");
    }

    private static Dictionary<string, Tensor> Snapshot(SequentialRecommender model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());
    }

    private static void Restore(SequentialRecommender model, Dictionary<string, Tensor> state)
    {
        using var noGrad = no_grad();
        var current = model.state_dict();
        foreach (var (name, value) in state) current[name].copy_(value);
    }

    private static void DisposeAll(Dictionary<string, Tensor> state)
    {
        foreach (var t in state.Values) t.Dispose();
    }
}
