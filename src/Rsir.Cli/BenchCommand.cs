using System.CommandLine;
using System.Diagnostics;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Generation;
using Rsir.Experiments;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using Spectre.Console;
using TorchSharp;

namespace Rsir.Cli;

/// <summary><c>rsir bench</c>: seconds per training epoch and per full evaluation pass (and per generation round).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var epochs = new Option<int>("--epochs") { Description = "Timed training epochs (after one warm-up epoch)", DefaultValueFactory = _ => 3 };
        var evaluations = new Option<int>("--evaluations") { Description = "Timed evaluation passes", DefaultValueFactory = _ => 3 };
        var generation = new Option<bool>("--generation") { Description = "Also time one RSIR generation round over all users (m = 5, judge every step)" };
        var scaleItems = new Option<int?>("--scale-items") { Description = "Instead of a dataset: a synthetic catalogue of N items (e.g. 1000000); times one evaluation pass and one generation round and prints their peak memory" };
        var roofline = new Option<bool>("--roofline") { Description = "Measure this machine's matrix-product rate and time one epoch, one evaluation pass (and with --generation one round) phase by phase, with each phase's floating-point work and fraction of the measured peak" };
        var scaleUsers = new Option<int>("--scale-users") { Description = "Users of the synthetic catalogue benchmark", DefaultValueFactory = _ => 50 };
        var command = new Command("bench", "Time training epochs and full evaluation passes (and a generation round) on a dataset.");
        common.AddTo(command);
        command.Options.Add(epochs);
        command.Options.Add(evaluations);
        command.Options.Add(generation);
        command.Options.Add(scaleItems);
        command.Options.Add(scaleUsers);
        command.Options.Add(roofline);
        command.SetAction(parse =>
        {
            var options = common.Resolve(parse);
            var device = options.ResolveDeviceAndPrecision();
            if (parse.GetValue(scaleItems) is { } items)
                return ScaleBench(options, device, items, parse.GetValue(scaleUsers), parse.GetValue(common.Json));
            var loaded = TrainingRun.LoadDataset(options, DatasetCatalog.FromEnvironment());
            var data = loaded.Dataset;
            var console = CliRunner.Progress;
            if (parse.GetValue(roofline))
            {
                console.WriteLine($"bench --roofline: {loaded.Origin.Name} ({data.TrainRows.Count:N0} training rows, {data.ItemCount:N0} items), {options.Backbone.Kind}, {ComputeDevice.Describe(device)}");
                var measured = BenchRoofline.Run(options, device, loaded, parse.GetValue(generation));
                CliRunner.Emit(parse.GetValue(common.Json), new { command = "bench", roofline = measured, dataset = loaded.Origin.Name,
                    backbone = options.Backbone.Kind, machine = RunInfo.Capture(ComputeDevice.Describe(device)) });
                return 0;
            }
            console.WriteLine($"bench: {loaded.Origin.Name} ({data.TrainRows.Count:N0} training rows, {data.ItemCount:N0} items), {options.Backbone.Kind}, {ComputeDevice.Describe(device)}");

            var model = Backbones.Build(options.Backbone, data.ItemCount, loaded.Origin.Name, options.Training.Seed, device);
            var trainer = new Trainer(options.Training, options.Evaluation);
            using var optimizer = torch.optim.Adam(model.parameters(), options.Training.LearningRate);
            var random = new Random((int)options.Training.Seed);
            using var deviceMemory = DevicePeakMemory.Start(device);
            using var negatives = trainer.NegativeStream(device);
            using var steps = trainer.PrepareSteps(model, data.TrainRows);

            var epochSeconds = new List<double>();
            for (int e = 0; e <= parse.GetValue(epochs); e++)
            {
                var clock = Stopwatch.StartNew();
                double loss = trainer.TrainEpoch(model, optimizer, steps, random, negatives);
                double seconds = clock.Elapsed.TotalSeconds;
                if (e > 0) epochSeconds.Add(seconds);
                console.WriteLine($"  epoch {e}{(e == 0 ? " (warm-up)" : "")}: {seconds:F2} s, loss {loss:F4}");
            }
            var evaluator = new Evaluator(options.Evaluation);
            var evalSeconds = new List<double>();
            EvaluationResult? last = null;
            for (int i = 0; i <= parse.GetValue(evaluations); i++)
            {
                var clock = Stopwatch.StartNew();
                last = evaluator.Evaluate(model, data.Test, "test");
                double seconds = clock.Elapsed.TotalSeconds;
                if (i > 0) evalSeconds.Add(seconds);
                console.WriteLine($"  evaluation pass {i}{(i == 0 ? " (warm-up)" : "")} over {data.Test.Count:N0} users: {seconds:F3} s");
            }
            double perEpoch = Median(epochSeconds), perEval = Median(evalSeconds);
            console.WriteLine($"seconds_per_epoch {perEpoch:F2} (median of {epochSeconds.Count}), seconds_per_eval {perEval:F3} (median of {evalSeconds.Count})");
            double? perGeneration = null;
            Generation.RoundStatistics? round = null;
            if (parse.GetValue(generation))
            {
                var clock = Stopwatch.StartNew();
                var generated = new Generation.SyntheticSequenceGenerator(model, new Generation.GenerationOptions()).Generate(data, 1);
                perGeneration = clock.Elapsed.TotalSeconds;
                round = generated.Statistics;
                console.WriteLine($"seconds_per_generation_round {perGeneration:F2}: {round.SeedRows:N0} seed rows × m = 5, {round.StepsJudged:N0} judged steps, {round.SequencesKept:N0} sequences kept (model after {epochSeconds.Count + 1} epochs)");
            }
            CliRunner.Emit(parse.GetValue(common.Json), new
            {
                command = "bench",
                dataset = loaded.Origin.Name,
                backbone = options.Backbone.Kind,
                device = ComputeDevice.Describe(device),
                machine = RunInfo.Capture(ComputeDevice.Describe(device)),
                training_rows = data.TrainRows.Count,
                users_evaluated = data.Test.Count,
                seconds_per_epoch = perEpoch,
                seconds_per_eval = perEval,
                epoch_seconds = epochSeconds,
                eval_seconds = evalSeconds,
                seconds_per_generation_round = perGeneration,
                generation = round,
                device_peak_memory_bytes = deviceMemory?.PeakBytes,
            });
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Large-catalogue memory: an untrained backbone over <paramref name="items"/> items and <paramref name="users"/>
    /// users with random sequences (8–20 items); one full evaluation pass and one generation round (m = 5, τ = ∞ so
    /// that every sequence runs its full course), each with its peak resident memory.
    /// </summary>
    private static int ScaleBench(TrainingRunOptions options, torch.Device device, int items, int users, bool json)
    {
        if (items < 2) throw new ArgumentOutOfRangeException("--scale-items", $"--scale-items must be ≥ 2; got {items}.");
        if (users < 1) throw new ArgumentOutOfRangeException("--scale-users", $"--scale-users must be ≥ 1; got {users}.");
        var console = CliRunner.Progress;
        var random = new Random(7);
        var sequences = Enumerable.Range(1, users).ToDictionary(u => u,
            _ => Enumerable.Range(0, random.Next(8, 21)).Select(_ => random.Next(1, items + 1)).Distinct().ToArray());
        var data = LeaveOneOut.Split($"synthetic-{items}", sequences, items, options.Backbone.MaxLength);
        var model = Backbones.Build(options.Backbone, items, data.Name, options.Training.Seed, device);
        var generation = new GenerationOptions { Tau = double.PositiveInfinity };
        console.WriteLine($"bench --scale-items: {items:N0} items, {users:N0} users, {options.Backbone.Kind} (untrained), {ComputeDevice.Describe(device)}; " +
            $"evaluation ≤ {options.Evaluation.MaxScoresInMemory:N0} scores per chunk, generation ≤ {generation.MaxScoresInMemory:N0} cells per chunk " +
            $"({generation.SeedRowsPerChunk(items + 1L)} seed rows × m = {generation.M})");
        long baseline = PeakMemory.Reset();
        var onDevice = DevicePeakMemory.Start(device);

        var clock = Stopwatch.StartNew();
        var evaluation = new Evaluator(options.Evaluation).Evaluate(model, data.Test, "test");
        double evalSeconds = clock.Elapsed.TotalSeconds;
        long evalPeak = PeakMemory.Read();
        long? evalDevicePeak = onDevice?.PeakBytes;
        onDevice?.Dispose();
        onDevice = DevicePeakMemory.Start(device);
        console.WriteLine($"  evaluation pass over {data.Test.Count:N0} users × {items:N0} items: {evalSeconds:F2} s, peak resident memory {evalPeak / 1048576.0:N0} MiB");

        PeakMemory.Reset();
        clock.Restart();
        var round = new SyntheticSequenceGenerator(model, generation).Generate(data, 1);
        double generationSeconds = clock.Elapsed.TotalSeconds;
        long generationPeak = PeakMemory.Read();
        long? generationDevicePeak = onDevice?.PeakBytes;
        onDevice?.Dispose();
        console.WriteLine($"  generation round ({round.Statistics.SeedRows:N0} seed rows × m = {generation.M}, {round.Statistics.StepsJudged:N0} steps): " +
            $"{generationSeconds:F2} s, peak resident memory {generationPeak / 1048576.0:N0} MiB");
        console.WriteLine($"  resident memory before both (data and model loaded): {baseline / 1048576.0:N0} MiB; item table {items * (long)options.Backbone.Dim * 4 / 1048576.0:N0} MiB");
        CliRunner.Emit(json, new
        {
            command = "bench", scale_items = items, users, backbone = options.Backbone.Kind, device = ComputeDevice.Describe(device),
            machine = RunInfo.Capture(ComputeDevice.Describe(device)),
            evaluation_max_scores_in_memory = options.Evaluation.MaxScoresInMemory, generation_max_scores_in_memory = generation.MaxScoresInMemory,
            seconds_per_eval = evalSeconds, eval_peak_rss_bytes = evalPeak, recall_at_20_untrained = evaluation.Recall(20),
            seconds_per_generation_round = generationSeconds, generation_peak_rss_bytes = generationPeak,
            generation_steps = round.Statistics.StepsJudged, baseline_rss_bytes = baseline,
            eval_device_peak_bytes = evalDevicePeak, generation_device_peak_bytes = generationDevicePeak,
        });
        return 0;
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
