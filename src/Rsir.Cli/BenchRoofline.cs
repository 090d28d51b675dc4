using System.Diagnostics;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Cli;

/// <summary>
/// <c>rsir bench --roofline</c>: how close one epoch, one evaluation pass and one generation round come to this machine.
/// It measures the matrix-product rate at the shapes a run uses (fp32, and bf16 for comparison), times each part phase
/// by phase (<see cref="PhaseClock"/>, module forward times from hooks), counts each phase's floating-point work by
/// formula, and reports achieved GFLOP/s and the fraction of the measured fp32 peak.
/// Work counted: linear layers 2·rows·in·out, attention its own count (<see cref="IAttentionWork"/>), backward twice the
/// forward, the loss's candidate products three times (logits, ∂h, ∂E), scoring 2·rows·V·d.
/// </summary>
internal static class BenchRoofline
{
    public static object Run(TrainingRunOptions options, Device device, LoadedDataset loaded, bool withGeneration)
    {
        var console = CliRunner.Progress;
        var data = loaded.Dataset;
        var backbone = options.Backbone;
        int dim = backbone.Dim, vocabulary = data.ItemCount + 1;

        var shapes = new List<MatmulShape>
        {
            MatmulRate.Measure("square 1024", 1024, 1024, 1024, ScalarType.Float32, device),
            MatmulRate.Measure("square 1024 (bf16)", 1024, 1024, 1024, ScalarType.BFloat16, device),
            MatmulRate.Measure("query/key/value", 4096, dim, 3 * dim, ScalarType.Float32, device),
            MatmulRate.Measure("feed-forward in", 4096, dim, backbone.FeedForward, ScalarType.Float32, device),
            MatmulRate.Measure("feed-forward out", 4096, backbone.FeedForward, dim, ScalarType.Float32, device),
            MatmulRate.Measure("score all items", 2048, dim, vocabulary, ScalarType.Float32, device),
            MatmulRate.Measure("score all items (bf16)", 2048, dim, vocabulary, ScalarType.BFloat16, device),
        };
        double peak = shapes.Where(s => s.Type == ScalarType.Float32).Max(s => s.GflopPerSecond);
        var rates = new Table().AddColumns("matrix product", "M × K × N", "type", "GFLOP/s");
        foreach (var s in shapes) rates.AddRow(s.Name, $"{s.M} × {s.K} × {s.N}", $"{s.Type}", $"{s.GflopPerSecond:F1}");
        console.Write(rates);
        console.WriteLine($"measured fp32 peak: {peak:F1} GFLOP/s (the best fp32 shape above)");

        var model = Backbones.Build(backbone, data.ItemCount, loaded.Origin.Name, options.Training.Seed, device);
        using var optimizer = optim.Adam(model.parameters(), options.Training.LearningRate);
        var random = new Random((int)options.Training.Seed);
        var epochClock = new PhaseClock(device);
        var trainer = new Trainer(options.Training, options.Evaluation) { Clock = epochClock };
        using var negatives = trainer.NegativeStream(device);
        using var steps = trainer.PrepareSteps(model, data.TrainRows);
        trainer.TrainEpoch(model, optimizer, steps, random, negatives);   // warm-up, not profiled

        epochClock.Reset();
        var clock = Stopwatch.StartNew();
        using (epochClock.Observe(model)) trainer.TrainEpoch(model, optimizer, steps, random, negatives);
        double epochSeconds = clock.Elapsed.TotalSeconds;
        double forwardFlops = ForwardWork(epochClock);
        long positions = data.TrainRows.Sum(r => (long)TrainingBatches.Input(r, backbone.MaxLength).Length - 1);
        long candidates = options.Training.Loss switch
        {
            LossKind.SampledSoftmax => 1 + options.Training.Negatives,
            LossKind.BinaryCrossEntropy => 2,
            _ => vocabulary,
        };
        epochClock.AddWork("backward", 2 * forwardFlops);
        epochClock.AddWork("loss", 3 * 2.0 * positions * candidates * dim);
        var epoch = Report("one training epoch", epochClock, epochSeconds, peak,
            ["step tensors", "encoder forward", "loss", "auxiliary loss", "backward", "optimizer"], "encoder forward");

        var evalClock = new PhaseClock(device);
        var evaluator = new Evaluator(options.Evaluation) { Clock = evalClock };
        evaluator.Evaluate(model, data.Test, "test");                      // warm-up
        evalClock.Reset();
        clock.Restart();
        using (evalClock.Observe(model)) evaluator.Evaluate(model, data.Test, "test");
        var evaluation = Report("one evaluation pass", evalClock, clock.Elapsed.TotalSeconds, peak,
            ["evaluation: encode", "evaluation: score and count ranks"], "evaluation: encode");

        object? generation = null;
        if (withGeneration)
        {
            var generationClock = new PhaseClock(device);
            var generator = new SyntheticSequenceGenerator(model, new GenerationOptions()) { Clock = generationClock };
            clock.Restart();
            using (generationClock.Observe(model)) generator.Generate(data, 1);
            generation = Report("one generation round (m = 5, judge every step)", generationClock, clock.Elapsed.TotalSeconds, peak,
                ["generation: encode", "generation: score all items", "generation: judge", "generation: pick"], "generation: encode");
        }
        return new { matmul = shapes, fp32_peak_gflop_per_second = peak, epoch, evaluation, generation };
    }

    private static double ForwardWork(PhaseClock clock) =>
        clock.Phases.Where(p => p.Phase.StartsWith("forward: ")).Sum(p => p.Flops);

    /// <summary>Prints a part's phases (module forwards indented under <paramref name="encoderPhase"/>) and returns them.</summary>
    private static object Report(string part, PhaseClock clock, double seconds, double peak, string[] order, string encoderPhase)
    {
        var phases = clock.Phases.ToDictionary(p => p.Phase);
        double modelFlops = ForwardWork(clock);
        if (phases.TryGetValue(encoderPhase, out var encoder)) phases[encoderPhase] = encoder with { Flops = encoder.Flops + modelFlops };
        var rows = new List<(string Name, PhaseTime Time)>();
        foreach (var name in order.Where(phases.ContainsKey))
        {
            rows.Add((name, phases[name]));
            if (name == encoderPhase)
                foreach (var module in phases.Values.Where(p => p.Phase.StartsWith("forward: ")).OrderByDescending(p => p.Seconds))
                    rows.Add(($"  {module.Phase["forward: ".Length..]}", module));
        }
        double accounted = order.Where(phases.ContainsKey).Sum(n => phases[n].Seconds);
        double gc = clock.GcPauseSeconds;
        double totalFlops = order.Where(phases.ContainsKey).Sum(n => phases[n].Flops);

        var table = new Table().AddColumns("phase", "seconds", "share", "GFLOP", "GFLOP/s", "of peak");
        foreach (var (name, time) in rows)
            table.AddRow(Markup.Escape(name), $"{time.Seconds:F3}", $"{time.Seconds / seconds:P1}", Gflop(time.Flops),
                Rate(time.GflopPerSecond), Share(time.GflopPerSecond / peak));
        table.AddRow("other host work", $"{seconds - accounted:F3}", $"{(seconds - accounted) / seconds:P1}", "", "", "");
        table.AddRow("  of which GC pauses", $"{gc:F3}", $"{gc / seconds:P1}", "", "", "");
        double achieved = totalFlops / seconds / 1e9;
        table.AddRow("[bold]total[/]", $"[bold]{seconds:F3}[/]", "100%", Gflop(totalFlops), Rate(achieved), Share(achieved / peak));
        var console = CliRunner.Progress;
        console.MarkupLine($"[bold]{Markup.Escape(part)}[/]");
        console.Write(table);
        return new
        {
            seconds, gflop = totalFlops / 1e9, gflop_per_second = achieved, fraction_of_peak = achieved / peak, gc_pause_seconds = gc,
            other_host_seconds = seconds - accounted,
            phases = rows.Select(r => new { phase = r.Name.Trim(), nested = r.Name.StartsWith(' '), seconds = r.Time.Seconds, calls = r.Time.Calls, gflop = r.Time.Flops / 1e9 }),
        };
    }

    private static string Gflop(double flops) => flops > 0 ? $"{flops / 1e9:F2}" : "";
    private static string Rate(double gflopPerSecond) => double.IsFinite(gflopPerSecond) ? $"{gflopPerSecond:F1}" : "";
    private static string Share(double fraction) => double.IsFinite(fraction) ? $"{fraction:P0}" : "";
}
