using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Experiments;

public sealed record SelfTestCheck(string Name, bool Passed, double MaxDifference, string Detail);

/// <summary>
/// Runs what a real run does on a device and compares it with the CPU reference: per backbone, the forward scores and
/// one training step with the default sampled-softmax loss (negatives drawn, loss and every gradient compared); the
/// device's own random stream; one evaluation pass; the judge; generation rounds with the judge (random pool choices,
/// greedy and top-k); and the top-k recommend call. The device side takes the accelerator's execution paths
/// (<see cref="ExecutionPaths.Accelerator"/>: rows gathered on the device as one padded group, plain-autograd loss,
/// libtorch dropout) whatever the device, so a CPU run (<c>--device cpu</c>) dry-runs the code a GPU will run.
/// A failing step is reported, never thrown. Needs no .NET test runner, so it runs on a GPU machine that only has the
/// published tool.
/// </summary>
public static class DeviceSelfTest
{
    public static IReadOnlyList<SelfTestCheck> Run(Device device, double tolerance = 1e-4)
    {
        var checks = new List<SelfTestCheck>();
        var data = ToyData();
        foreach (var kind in Backbones.Kinds)
        {
            var options = new BackboneOptions { Kind = kind, Dim = 32, Heads = 2, FeedForward = 64, Layers = 2, MaxLength = 20 };
            SequentialRecommender? onCpu = null, onDevice = null;
            checks.Add(Check($"{kind} build on the device", () =>
            {
                onCpu = Backbones.Build(options, data.ItemCount, "beauty", 7, CPU);
                onDevice = Backbones.Build(options, data.ItemCount, "beauty", 7, device);
                return (true, 0, "same seed, weights drawn on the CPU");
            }));
            if (onCpu is null || onDevice is null) continue;
            using (onCpu)
            using (onDevice)
            {
                checks.Add(Check($"{kind} forward scores", () => Forward(onCpu, onDevice, data, device, tolerance)));
                checks.Add(Check($"{kind} training step (sampled softmax)", () => TrainingStep(onCpu, onDevice, data, device, tolerance)));
                if (kind != "sasrec") continue;
                checks.Add(Check("device random stream", () => DeviceStream(device)));
                checks.Add(Check("evaluator ranks", () => Ranks(onCpu, onDevice, data)));
                checks.Add(Check("judge ranks", () => Judge(onCpu, onDevice, data, device)));
                foreach (var generation in new[]
                {
                    new GenerationOptions { P = 0.5, M = 3, MaxLength = 20, Tau = 20 },
                    new GenerationOptions { P = 0.5, M = 3, MaxLength = 20, Tau = 20, Decoding = Decoding.TopK, K = 5, Prefix = PrefixPolicy.RandomPrefix },
                })
                    checks.Add(Check($"generation round ({generation.Decoding}, {generation.Prefix}, p 0.5, tau 20)",
                        () => Generation(onCpu, onDevice, data, generation)));
                checks.Add(Check("top-k recommend", () => TopK(onCpu, onDevice, data)));
            }
        }
        return checks;
    }

    /// <summary>Runs one check; an exception (a native error included) is a failed check with its first line.</summary>
    private static SelfTestCheck Check(string name, Func<(bool Passed, double MaxDifference, string Detail)> check)
    {
        try
        {
            using var scope = NewDisposeScope();
            var (passed, difference, detail) = check();
            return new SelfTestCheck(name, passed, difference, detail);
        }
        catch (Exception e)
        {
            return new SelfTestCheck(name, false, double.NaN, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }

    private static Dataset ToyData()
    {
        var random = new Random(3);
        var sequences = Enumerable.Range(1, 120).ToDictionary(u => u,
            u => Enumerable.Range(1, 80).OrderBy(_ => random.Next()).Take(random.Next(5, 16)).ToArray());
        return LeaveOneOut.Split("selftest", sequences, 80);
    }

    private static (bool, double, string) Forward(SequentialRecommender cpu, SequentialRecommender other, Dataset data, Device device, double tolerance)
    {
        cpu.eval(); other.eval();
        var rows = data.TrainRows.Take(32).Select(r => r.Items).ToArray();
        var (items, _) = cpu.Pad(rows, CPU);
        using var noGrad = no_grad();
        var a = cpu.ScoreAll(cpu.Encode(items));
        var b = other.ScoreAll(other.Encode(items.to(device))).cpu();
        double diff = (a - b).abs().max().item<float>();
        return (diff <= tolerance * Math.Max(1, a.abs().max().item<float>()), diff, $"{rows.Length} sequences");
    }

    /// <summary>
    /// One optimiser step's loss and gradients with the default loss (sampled softmax, 256 negatives): the CPU paths
    /// against the accelerator paths on the device. Dropout is off (eval mode) and both sides draw the same negatives
    /// on the host for the same positions, so both compute the same function; the device's own stream is checked apart.
    /// </summary>
    private static (bool, double, string) TrainingStep(SequentialRecommender cpu, SequentialRecommender other, Dataset data, Device device, double tolerance)
    {
        var rows = data.TrainRows.Take(48).ToArray();
        double Loss(SequentialRecommender model, ExecutionPaths paths)
        {
            model.eval();
            model.zero_grad();
            var trainer = new Trainer(new TrainingOptions { Seed = 5 }) { Paths = paths, NegativeDraws = RandomDraws.OnHost };
            var on = model.Device;
            using var steps = trainer.PrepareSteps(model, rows);
            // One group in row order on both sides, so that the n-th drawn negative belongs to the same position.
            var step = paths.HostLengthGroups
                ? TrainingBatches.Step(rows.Select(r => r.Items).ToArray(), model.ItemCount, 0, on, lengthGroups: false)
                : steps.Step(Enumerable.Range(0, rows.Length).ToArray());
            using var negatives = trainer.NegativeStream(on);
            var loss = trainer.StepLoss(model, step, new Random(1), negatives, paths);
            loss.backward();
            return loss.item<float>();
        }
        double la = Loss(cpu, ExecutionPaths.Cpu), lb = Loss(other, ExecutionPaths.Accelerator);
        double diff = Math.Abs(la - lb);
        foreach (var (pa, pb) in cpu.parameters().Zip(other.parameters()))
            if (pa.grad is not null && pb.grad is not null)
                diff = Math.Max(diff, (pa.grad - pb.grad.cpu()).abs().max().item<float>());
        return (diff <= tolerance * 10, diff, $"loss {la:F5} vs {lb:F5}, {rows.Length} rows, 256 negatives per position");
    }

    /// <summary>The device's own stream: the same seed gives the same draws, inside [0, 1), with mean ≈ 1/2.</summary>
    private static (bool, double, string) DeviceStream(Device device)
    {
        Tensor Draw()
        {
            using var stream = new DeviceRandom(11, device, RandomDraws.OnDevice);
            return stream.Uniform(new long[] { 200_000 }).cpu();
        }
        var a = Draw();
        var b = Draw();
        double differing = a.ne(b).sum().item<long>();
        double mean = a.mean().item<float>(), min = a.min().item<float>(), max = a.max().item<float>();
        bool ok = differing == 0 && min >= 0 && max < 1 && Math.Abs(mean - 0.5) < 0.005;
        return (ok, differing, $"200,000 uniforms on {device}: mean {mean:F4}, range [{min:F4}, {max:F4}], repeat with the same seed differs in {differing}");
    }

    private static (bool, double, string) Ranks(SequentialRecommender cpu, SequentialRecommender other, Dataset data)
    {
        var evaluator = new Evaluator(new EvaluationOptions { BatchSize = 50 });
        var a = evaluator.Evaluate(cpu, data.Test, "test").Ranks;
        var b = evaluator.Evaluate(other, data.Test, "test").Ranks;
        int differing = a.Zip(b).Count(p => Math.Abs(p.First - p.Second) > 1);   // an exact tie may break either way
        return (differing == 0, differing, $"{a.Count} users; max |Δrank| ≤ 1 allowed for float ties");
    }

    private static (bool, double, string) Judge(SequentialRecommender cpu, SequentialRecommender other, Dataset data, Device device)
    {
        using var noGrad = no_grad();
        cpu.eval(); other.eval();
        var rows = data.TrainRows.Where(r => r.Items.Length >= 5).Take(40).ToArray();
        var (items, lengths) = cpu.Pad(rows.Select(r => r.Items[..2]).ToArray(), CPU);
        var unused = zeros(rows.Length, cpu.VocabularySize, dtype: ScalarType.Bool);
        for (int i = 0; i < rows.Length; i++)
            foreach (var item in rows[i].Items[2..^1]) unused[i, item] = true;
        using var judge = new FidelityJudge(20);
        var a = judge.Judge(cpu.ScoreAll(cpu.EncodeLast(items, lengths)), unused);
        var b = judge.Judge(other.ScoreAll(other.EncodeLast(items.to(device), lengths.to(device))), unused.to(device));
        long differing = (a.BestUnusedRealRank - b.BestUnusedRealRank.cpu()).abs().gt(1).sum().item<long>();
        return (differing == 0, differing, $"{rows.Length} contexts, tau 20");
    }

    /// <summary>Both rounds draw the same numbers (host stream), so they differ only where float ties break differently.</summary>
    private static (bool, double, string) Generation(SequentialRecommender cpu, SequentialRecommender other, Dataset data, GenerationOptions options)
    {
        var a = new SyntheticSequenceGenerator(cpu, options).Generate(data, 1);
        var b = new SyntheticSequenceGenerator(other, options).Generate(data, 1);
        int differing = Math.Abs(a.Sequences.Count - b.Sequences.Count)
            + a.Sequences.Zip(b.Sequences).Count(x => !x.First.Items.SequenceEqual(x.Second.Items));
        return (differing <= Math.Max(1, a.Sequences.Count / 50), differing,
            $"{a.Sequences.Count} vs {b.Sequences.Count} sequences, judge pass {a.Statistics.JudgePassRate:P1} vs {b.Statistics.JudgePassRate:P1}; at most 2% may differ through float ties");
    }

    private static (bool, double, string) TopK(SequentialRecommender cpu, SequentialRecommender other, Dataset data)
    {
        var histories = data.Test.Take(20).Select(r => r.History).ToArray();
        int differing = 0;
        double maxScore = 0;
        foreach (var history in histories)
        {
            var a = TopKRecommendations.For(cpu, history, 10);
            var b = TopKRecommendations.For(other, history, 10);
            differing += a.Zip(b).Count(x => x.First.Item != x.Second.Item);
            maxScore = Math.Max(maxScore, a.Zip(b).Max(x => Math.Abs(x.First.Score - x.Second.Score)));
        }
        return (differing <= 2 && maxScore < 1e-3, maxScore, $"{histories.Length} histories × top 10: {differing} positions differ");
    }
}
