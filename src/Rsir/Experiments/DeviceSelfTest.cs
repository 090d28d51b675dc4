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
/// Runs every piece on a device and compares it with the same piece on the CPU: each backbone's forward pass and
/// gradients, the evaluator's ranks, the judge's verdicts and a deterministic generation round (p = 1 and p = 0, greedy,
/// so no random draw is involved). Needs no .NET test runner, so it can run on a GPU machine that only has the
/// published tool. On a CPU-only machine it compares the CPU with itself (a dry run of the same code).
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
            Seeding.SeedTorch(7);
            using var onCpu = Backbones.Create(options, data.ItemCount, "beauty");
            Seeding.SeedTorch(7);
            using var onDevice = Backbones.Create(options, data.ItemCount, "beauty");
            onDevice.to(device);
            checks.Add(Forward(kind, onCpu, onDevice, data, device, tolerance));
            checks.Add(Gradients(kind, onCpu, onDevice, data, device, tolerance));
            if (kind == "sasrec")
            {
                checks.Add(Ranks(onCpu, onDevice, data));
                checks.Add(Judge(onCpu, onDevice, data, device));
                foreach (var p in new[] { 0.0, 1.0 }) checks.Add(Generation(onCpu, onDevice, data, p));
            }
        }
        return checks;
    }

    private static Dataset ToyData()
    {
        var random = new Random(3);
        var sequences = Enumerable.Range(1, 120).ToDictionary(u => u,
            u => Enumerable.Range(1, 80).OrderBy(_ => random.Next()).Take(random.Next(5, 16)).ToArray());
        return LeaveOneOut.Split("selftest", sequences, 80);
    }

    private static SelfTestCheck Forward(string kind, SequentialRecommender cpu, SequentialRecommender other, Dataset data, Device device, double tolerance)
    {
        using var scope = NewDisposeScope();
        cpu.eval(); other.eval();
        var rows = data.TrainRows.Take(32).Select(r => r.Items).ToArray();
        var (items, _) = cpu.Pad(rows, CPU);
        using var noGrad = no_grad();
        var a = cpu.ScoreAll(cpu.Encode(items));
        var b = other.ScoreAll(other.Encode(items.to(device))).cpu();
        double diff = (a - b).abs().max().item<float>();
        return new SelfTestCheck($"{kind} forward scores", diff <= tolerance * Math.Max(1, a.abs().max().item<float>()), diff, $"{rows.Length} sequences");
    }

    private static SelfTestCheck Gradients(string kind, SequentialRecommender cpu, SequentialRecommender other, Dataset data, Device device, double tolerance)
    {
        using var scope = NewDisposeScope();
        cpu.eval(); other.eval();   // no dropout, so both sides compute the same function
        var trainer = new Trainer(new TrainingOptions { Loss = LossKind.FullSoftmax });
        var sequences = data.TrainRows.Take(48).Select(r => r.Items).ToArray();
        double Loss(SequentialRecommender model, Device on)
        {
            model.zero_grad();
            var step = TrainingBatches.Step(sequences, model.ItemCount, 64, on);
            using var generator = new Generator(1, on);
            var loss = trainer.StepLoss(model, step, new Random(1), generator);
            loss.backward();
            return loss.item<float>();
        }
        double la = Loss(cpu, CPU), lb = Loss(other, device);
        double diff = Math.Abs(la - lb);
        foreach (var (pa, pb) in cpu.parameters().Zip(other.parameters()))
            if (pa.grad is not null && pb.grad is not null)
                diff = Math.Max(diff, (pa.grad - pb.grad.cpu()).abs().max().item<float>());
        return new SelfTestCheck($"{kind} loss and gradients", diff <= tolerance * 10, diff, $"loss {la:F5} vs {lb:F5}");
    }

    private static SelfTestCheck Ranks(SequentialRecommender cpu, SequentialRecommender other, Dataset data)
    {
        var evaluator = new Evaluator(new EvaluationOptions { BatchSize = 50 });
        var a = evaluator.Evaluate(cpu, data.Test, "test").Ranks;
        var b = evaluator.Evaluate(other, data.Test, "test").Ranks;
        int differing = a.Zip(b).Count(p => Math.Abs(p.First - p.Second) > 1);   // an exact tie may break either way
        return new SelfTestCheck("evaluator ranks", differing == 0, differing, $"{a.Count} users; max |Δrank| ≤ 1 allowed for float ties");
    }

    private static SelfTestCheck Judge(SequentialRecommender cpu, SequentialRecommender other, Dataset data, Device device)
    {
        using var scope = NewDisposeScope();
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
        return new SelfTestCheck("judge ranks", differing == 0, differing, $"{rows.Length} contexts, tau 20");
    }

    private static SelfTestCheck Generation(SequentialRecommender cpu, SequentialRecommender other, Dataset data, double p)
    {
        var options = new GenerationOptions { P = p, M = 2, MaxLength = 20, Tau = 20 };
        var a = new SyntheticSequenceGenerator(cpu, options).Generate(data, 1).Sequences;
        var b = new SyntheticSequenceGenerator(other, options).Generate(data, 1).Sequences;
        int differing = Math.Abs(a.Count - b.Count) + a.Zip(b).Count(x => !x.First.Items.SequenceEqual(x.Second.Items));
        return new SelfTestCheck($"generation round (p = {p})", differing <= Math.Max(1, a.Count / 50), differing,
            $"{a.Count} vs {b.Count} sequences; at most 2% may differ through float ties");
    }
}
