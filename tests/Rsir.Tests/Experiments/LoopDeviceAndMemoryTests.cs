using Rsir.Experiments;
using Rsir.Tests.Analysis;
using TorchSharp;

namespace Rsir.Tests.Experiments;

public class LoopDeviceAndMemoryTests
{
    /// <summary>The device is how a run executes: a loop started on one device setting extends, resumes and lends its
    /// base model under another, and each round records where it ran.</summary>
    [Fact]
    public void A_loop_started_on_one_device_extends_and_lends_its_base_under_another()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-device-").FullName;
        try
        {
            var onCpu = TinyLoop.Options(TinyLoop.WriteDataset(folder), rounds: 1);
            var firstLoop = new RsirLoop(onCpu);
            var stages = new List<(int Round, string Text)>();
            firstLoop.Stage += (round, text) => stages.Add((round, text));
            var first = firstLoop.Run(Path.Combine(folder, "loop"));
            var generated = first.Rounds[1].Generation!;
            Assert.Contains(stages, s => s.Round == 1 && s.Text.StartsWith(FormattableString.Invariant(
                $"generated {generated.SequencesKept:N0} of {generated.SequencesTried:N0} sequences (mean length {generated.MeanLength:F1}, judge pass rate {generated.JudgePassRate:F3})")));
            var elsewhere = onCpu with { Rounds = 2, Run = onCpu.Run with { Device = "auto" } };   // "auto" ≠ "cpu" as a setting
            var extended = new RsirLoop(elsewhere).Run(Path.Combine(folder, "loop"));
            Assert.True(extended.Rounds[0].Resumed && extended.Rounds[1].Resumed && !extended.Rounds[2].Resumed);
            Assert.Equal(first.Rounds[1].Test, extended.Rounds[1].Test);
            Assert.StartsWith("cpu", extended.Rounds[2].Device);
            Assert.Contains("\"device\"", File.ReadAllText(Path.Combine(folder, "loop", "round-02", "round.json")));

            var ablation = elsewhere with { Rounds = 1, Generation = elsewhere.Generation.WithoutFidelityControl() };
            var fromBase = new RsirLoop(ablation).Run(Path.Combine(folder, "nojudge"), baseFrom: Path.Combine(folder, "loop"));
            Assert.Equal(first.Rounds[0].Test, fromBase.Rounds[0].Test);

            var otherRecipe = onCpu with { Run = onCpu.Run with { Training = onCpu.Run.Training with { LearningRate = 0.01 } } };
            Assert.Throws<InvalidOperationException>(() => new RsirLoop(otherRecipe).Run(Path.Combine(folder, "loop")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>Committed result folders drop large files: a loop whose finished round lost its synthetic rows refuses
    /// to continue (it would train the next round on another D_k) and says which folder and file.</summary>
    [Fact]
    public void A_loop_refuses_to_continue_when_a_finished_round_lost_its_synthetic_rows()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-trimmed-").FullName;
        try
        {
            var options = TinyLoop.Options(TinyLoop.WriteDataset(folder), rounds: 1);
            string loop = Path.Combine(folder, "loop");
            new RsirLoop(options).Run(loop);
            string round1 = Path.Combine(loop, "round-01");
            File.Delete(Path.Combine(round1, "synthetic.tsv"));
            var error = Assert.Throws<InvalidDataException>(() => new RsirLoop(options with { Rounds = 2 }).Run(loop));
            Assert.Contains(round1, error.Message);
            Assert.Contains("there is no synthetic.tsv", error.Message);
            Assert.False(Directory.Exists(Path.Combine(loop, "round-02")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>A run resumes only on the data file it started with (its md5 is in run.json).</summary>
    [Fact]
    public void A_loop_refuses_to_resume_on_a_changed_data_file()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-md5-").FullName;
        try
        {
            var dataPath = TinyLoop.WriteDataset(folder);
            var options = TinyLoop.Options(dataPath, rounds: 0);
            new RsirLoop(options).Run(Path.Combine(folder, "loop"));
            File.AppendAllText(dataPath, "9999 1 2 3 4 5 6\n");
            var error = Assert.Throws<InvalidDataException>(() => new RsirLoop(options with { Rounds = 1 }).Run(Path.Combine(folder, "loop")));
            Assert.Contains("md5", error.Message);
            Assert.False(Directory.Exists(Path.Combine(folder, "loop", "round-01")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>Models, best-weight snapshots and per-round tensors are released: the live tensor count does not grow from
    /// round to round, and after the loop it is back where it started (the final learner included).</summary>
    [Fact]
    public void A_loop_leaves_no_live_tensors_behind_and_rounds_do_not_accumulate_them()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-leak-").FullName;
        try
        {
            var options = TinyLoop.Options(TinyLoop.WriteDataset(folder), rounds: 3) with { FineTune = false };
            static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var loop = new RsirLoop(options);
            var afterRound = new List<long>();
            loop.RoundCompleted += _ => afterRound.Add(Live());
            long before = Live();
            loop.Run(Path.Combine(folder, "loop"));
            long after = Live();
            Assert.Equal(4, afterRound.Count);
            Assert.True(afterRound[3] <= afterRound[1] + 2, $"live tensors after rounds 0..3: {string.Join(", ", afterRound)}");
            Assert.True(after <= before, $"{after - before} tensors still live after the loop (before {before}, after each round {string.Join(", ", afterRound)})");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>Every backbone, built, trained, asked to generate and evaluate, then disposed, leaves no live tensor.</summary>
    [Theory]
    [InlineData("sasrec")]
    [InlineData("cl4srec")]
    [InlineData("hstu")]
    public void A_backbone_trained_and_disposed_leaves_no_live_tensor(string kind)
    {
        static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var data = Rsir.Tests.Generation.GenerationTestKit.MakeDataset(40, users: 60, seed: 4, maxLength: 12);
        var backbone = new Rsir.Models.BackboneOptions { Kind = kind, Dim = 8, Heads = 1, FeedForward = 16, Layers = 1, MaxLength = 12 };
        long before = Live();
        var model = Rsir.Models.Backbones.Build(backbone, data.ItemCount, null, 3, torch.CPU);
        new Rsir.Training.Trainer(new Rsir.Training.TrainingOptions { MaxEpochs = 2, Patience = 2, BatchSize = 32, Negatives = 8 }).Fit(model, data);
        new Rsir.Generation.SyntheticSequenceGenerator(model, new Rsir.Generation.GenerationOptions { MaxLength = 12, M = 2 }).Generate(data, 1);
        new Rsir.Evaluation.Evaluator().Evaluate(model, data.Test, "test");
        model.Dispose();
        Assert.Equal(before, Live());
    }

    /// <summary>An allocation the machine cannot satisfy fails with an error, and torch keeps working afterwards (a
    /// notebook kernel stays usable after an out-of-memory cell).</summary>
    [Fact]
    public void An_out_of_memory_error_leaves_torch_usable()
    {
        var error = Assert.ThrowsAny<Exception>(() => torch.empty(new long[] { 1L << 22, 1L << 22 }));   // 64 TiB of floats
        Assert.Contains("alloc", error.Message, StringComparison.OrdinalIgnoreCase);
        using var a = torch.ones(3, 3);
        Assert.Equal(9f, a.sum().item<float>());
    }
}
