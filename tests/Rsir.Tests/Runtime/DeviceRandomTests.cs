using System.Text.RegularExpressions;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Tests.Notebooks;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Runtime;

public class DeviceRandomTests
{
    /// <summary>TorchSharp 0.107 makes every <c>new Generator(seed, device)</c> a CPU generator, which a draw on CUDA
    /// refuses; only DeviceRandom may hold one, and it never hands it to a draw on another device. CpuGeneratorReplay
    /// takes one to draw into host memory, which a CUDA run then copies like any host draw.</summary>
    [Fact]
    public void No_file_but_DeviceRandom_creates_a_generator_or_passes_one_to_a_draw()
    {
        var source = Path.Combine(RunnerProcess.RepositoryRoot(), "src");
        var pattern = new Regex(@"new\s+(torch\.)?Generator\s*\(|\bgenerator\s*:|\bGenerator\s+\w+\s*[,)=]");
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) is not ("DeviceRandom.cs" or "CpuGeneratorReplay.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => pattern.IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(source, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToArray();
        Assert.True(offenders.Length == 0, "Random draws outside DeviceRandom:\n" + string.Join("\n", offenders));
        Assert.Contains("new Generator(", File.ReadAllText(Path.Combine(source, "Rsir", "Runtime", "DeviceRandom.cs")));
    }

    [Theory]
    [InlineData(RandomDraws.OnHost)]
    [InlineData(RandomDraws.OnDevice)]
    public void The_same_seed_gives_the_same_draws_and_another_seed_others(RandomDraws draws)
    {
        float[] Draw(ulong seed)
        {
            using var random = new DeviceRandom(seed, CPU, draws);
            using var first = random.Uniform(new long[] { 1000 });
            using var second = random.Uniform(new long[] { 3, 5 }, ScalarType.Float64);
            Assert.Equal(ScalarType.Float64, second.dtype);
            return first.data<float>().ToArray();
        }
        var a = Draw(5);
        Assert.Equal(a, Draw(5));
        Assert.NotEqual(a, Draw(6));
        Assert.All(a, u => Assert.InRange(u, 0f, 0.99999994f));
        Assert.InRange(a.Average(), 0.45, 0.55);
    }

    /// <summary>A CPU run's host stream is the generator the code always used, so committed results stay reproducible.</summary>
    [Fact]
    public void On_the_cpu_bulk_draws_stay_on_our_own_generator()
    {
        Assert.Equal(RandomDraws.OnHost, DeviceRandom.BulkDrawsOn(CPU));
        Assert.Equal(RandomDraws.OnDevice, DeviceRandom.BulkDrawsOn(new Device(DeviceType.CUDA, 0)));
        using var random = new DeviceRandom(9, CPU);
        using var legacy = new Generator(9, CPU);
        using var expected = rand(new long[] { 64 }, generator: legacy);
        using var actual = random.Uniform(new long[] { 64 });
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }
}

public class ExecutionPathTests
{
    /// <summary>Both dropout paths keep each value with probability 1 − p and scale it by 1 / (1 − p).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_dropout_paths_drop_a_share_p_and_rescale_the_rest(bool uniformMasks)
    {
        manual_seed(3);
        using var dropout = new FastDropout(0.4) { UniformMasks = uniformMasks };
        dropout.train();
        using var input = ones(200_000);
        using var output = dropout.forward(input);
        var values = output.data<float>().ToArray();
        double dropped = values.Count(v => v == 0) / (double)values.Length;
        Assert.InRange(dropped, 0.39, 0.41);
        Assert.All(values.Where(v => v != 0).Take(1000), v => Assert.Equal(1 / 0.6f, v, 5));
        dropout.eval();
        Assert.Equal(input.data<float>().ToArray(), dropout.forward(input).data<float>().ToArray());
    }

    [Fact]
    public void A_model_hands_the_paths_to_every_dropout_layer()
    {
        using var model = new SasRec(20, new BackboneOptions { Dim = 8, Heads = 2, FeedForward = 16, Layers = 2, MaxLength = 10 });
        model.UseExecutionPaths(ExecutionPaths.Accelerator);
        var layers = model.modules().OfType<FastDropout>().ToArray();
        Assert.True(layers.Length >= 4);
        Assert.All(layers, d => Assert.False(d.UniformMasks));
        model.UseExecutionPaths(null);
        Assert.All(layers, d => Assert.Null(d.UniformMasks));
    }

    /// <summary>
    /// Training with every accelerator path forced on the CPU (rows on the device, one padded group, plain autograd,
    /// libtorch dropout, negatives from the device's own generator) is deterministic and learns as the CPU paths do.
    /// </summary>
    [Fact]
    public void Training_on_the_accelerator_paths_is_deterministic_and_learns_like_the_cpu_paths()
    {
        var random = new Random(4);
        var sequences = Enumerable.Range(1, 150).ToDictionary(u => u, u =>   // each next item is the previous + 1: learnable
        {
            int start = random.Next(60), length = random.Next(5, 15);
            return Enumerable.Range(0, length).Select(t => (start + t) % 60 + 1).ToArray();
        });
        var data = LeaveOneOut.Split("successor", sequences, 60);
        var options = new TrainingOptions { MaxEpochs = 6, Patience = 6, BatchSize = 32, Negatives = 32, Seed = 3, LearningRate = 0.01 };
        var backbone = new BackboneOptions { Dim = 16, Heads = 2, FeedForward = 32, Layers = 1, MaxLength = 20 };
        TrainingResult Fit(ExecutionPaths paths, RandomDraws draws)
        {
            using var model = Backbones.Build(backbone, data.ItemCount, null, 3, CPU);
            return new Trainer(options) { Paths = paths, NegativeDraws = draws }.Fit(model, data);
        }
        var accelerator = Fit(ExecutionPaths.Accelerator, RandomDraws.OnDevice);
        var again = Fit(ExecutionPaths.Accelerator, RandomDraws.OnDevice);
        var cpu = Fit(ExecutionPaths.Cpu, RandomDraws.OnHost);
        Assert.Equal(accelerator.Epochs.Select(e => e.Loss), again.Epochs.Select(e => e.Loss));
        Assert.Equal(accelerator.Test.Ranks, again.Test.Ranks);
        Assert.NotEqual(accelerator.Epochs[0].Loss, cpu.Epochs[0].Loss);   // other draws: the paths really differ
        Assert.True(accelerator.Epochs[^1].Loss < accelerator.Epochs[0].Loss - 1,
            $"losses {string.Join(", ", accelerator.Epochs.Select(e => e.Loss.ToString("F3")))}; cpu {string.Join(", ", cpu.Epochs.Select(e => e.Loss.ToString("F3")))}");
        Assert.InRange(accelerator.Epochs[^1].Loss, cpu.Epochs[^1].Loss - 0.3, cpu.Epochs[^1].Loss + 0.3);
        Assert.True(accelerator.Test.Recall(10) > 0.5 && cpu.Test.Recall(10) > 0.5, $"Recall@10 {accelerator.Test.Recall(10)} vs {cpu.Test.Recall(10)}");
    }
}

public class DeviceSelfTestTests
{
    /// <summary>The self-test against the CPU itself: the same code a GPU run takes, every check passing.</summary>
    [Fact]
    public void Selftest_on_the_cpu_passes_every_check_of_what_a_run_does()
    {
        var checks = DeviceSelfTest.Run(CPU);
        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail} (max difference {c.MaxDifference})"));
        foreach (var kind in Backbones.Kinds) Assert.Contains(checks, c => c.Name == $"{kind} training step (sampled softmax)");
        Assert.Contains(checks, c => c.Name == "device random stream");
        Assert.Contains(checks, c => c.Name.StartsWith("generation round (TopK"));
        Assert.Contains(checks, c => c.Name == "top-k recommend");
        Assert.Contains(checks, c => c.Name == "evaluator ranks");
    }
}
