using Rsir.Data;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Training;

namespace Rsir.Tests.Experiments;

public class RsirLoopTests
{
    /// <summary>A small random dataset with some sequential structure (each user walks through a few item blocks).</summary>
    internal static string WriteToyDataset(string folder, int users = 250, int items = 60, int seed = 11)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(1, users).Select(u =>
        {
            int start = random.Next(1, items + 1), length = random.Next(5, 12);
            var sequence = Enumerable.Range(0, length).Select(t => (start + t * random.Next(1, 3) - 1) % items + 1).Distinct();
            return $"{u} {string.Join(' ', sequence)}";
        });
        var path = Path.Combine(folder, "toy.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    internal static RsirLoopOptions ToyOptions(string dataPath, int rounds = 2, bool fineTune = false, double tau = 20) => new()
    {
        Run = new TrainingRunOptions
        {
            Dataset = dataPath, Device = "cpu",
            Backbone = new BackboneOptions { Dim = 16, Heads = 2, FeedForward = 32, Layers = 1, MaxLength = 20 },
            Training = new TrainingOptions { MaxEpochs = 3, Patience = 2, BatchSize = 64 },
        },
        Generation = new GenerationOptions { MaxLength = 20, Tau = tau },
        Rounds = rounds,
        FineTune = fineTune,
    };

    [Fact]
    public void Rounds_add_synthetic_rows_and_the_same_seed_gives_the_same_numbers()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-loop-").FullName;
        try
        {
            var options = ToyOptions(WriteToyDataset(folder));
            var first = new RsirLoop(options).Run(Path.Combine(folder, "a"));
            var second = new RsirLoop(options).Run(Path.Combine(folder, "b"));
            Assert.Equal(3, first.Rounds.Count);
            Assert.Equal(0, first.Rounds[0].SyntheticRows);
            Assert.True(first.Rounds[1].SyntheticRows > 0);
            Assert.True(first.Rounds[2].TrainRows > first.Rounds[1].TrainRows);   // seeds are all rows of D_k
            Assert.All(first.Rounds.Skip(1), r => Assert.InRange(r.Generation!.JudgePassRate, 0, 1));
            for (int k = 0; k < 3; k++)
                Assert.Equal(first.Rounds[k].Test, second.Rounds[k].Test);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_weak_to_strong_run_generates_with_the_teacher_and_records_the_teachers_own_results()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-w2s-").FullName;
        try
        {
            var options = ToyOptions(WriteToyDataset(folder), rounds: 1) with
            {
                Teacher = new BackboneOptions { Kind = "sasrec", Dim = 8, Heads = 2, FeedForward = 16, Layers = 1, MaxLength = 20 },
            };
            var result = new RsirLoop(options).Run(Path.Combine(folder, "run"));

            // Round 1's rows are exactly what the saved teacher (not the learner) generates from D_0.
            var saved = LoopFolder.Open(Path.Combine(folder, "run"));
            var d0 = saved.LoadInitialData();
            using var teacher = saved.LoadGenerator(0, d0.Dataset.ItemCount, TorchSharp.torch.CPU, d0.Origin.Name);
            Assert.Equal(8, teacher.Dim);
            var again = new SyntheticSequenceGenerator(teacher, saved.Options.Generation with { Seed = RsirLoop.RoundSeed(saved.Options.Generation, 1) })
                .Generate(d0.Dataset, 1);
            Assert.Equal(saved.ReadSynthetic(1).Select(r => string.Join(' ', r.Items)), again.Rows.Select(r => string.Join(' ', r.Items)));
            var round0 = Path.Combine(folder, "run", "round-00");
            Assert.True(File.Exists(Path.Combine(round0, "teacher.bin")));
            var teacherMetrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(round0, "teacher_metrics.json")));
            Assert.True(teacherMetrics.RootElement.GetProperty("test").TryGetProperty("ndcg@10", out _));
            Assert.True(File.Exists(Path.Combine(round0, "teacher_test_ranks.csv")));
            Assert.False(File.Exists(Path.Combine(folder, "run", "round-01", "teacher_metrics.json")));   // the last round trains no teacher
            Assert.True(result.Rounds[1].SyntheticRows > 0);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void An_interrupted_run_resumes_after_its_last_finished_round_with_identical_results()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-loop-").FullName;
        try
        {
            var options = ToyOptions(WriteToyDataset(folder), fineTune: true);
            var results = Path.Combine(folder, "run");
            var uninterrupted = new RsirLoop(options).Run(Path.Combine(folder, "reference"));

            var partial = new RsirLoop(options);
            int finished = 0;
            using var stop = new CancellationTokenSource();
            partial.RoundCompleted += r => { if (++finished == 2) stop.Cancel(); };
            Assert.ThrowsAny<OperationCanceledException>(() => partial.Run(results, stop.Token));
            Assert.True(File.Exists(Path.Combine(results, "round-01", "done")));
            Assert.False(Directory.Exists(Path.Combine(results, "round-02")));

            var resumed = new RsirLoop(options).Run(results);
            Assert.True(resumed.Rounds[0].Resumed && resumed.Rounds[1].Resumed && !resumed.Rounds[2].Resumed);
            for (int k = 0; k < 3; k++)
                Assert.Equal(uninterrupted.Rounds[k].Test, resumed.Rounds[k].Test);

            var other = options with { Generation = options.Generation with { Tau = 5 } };
            Assert.Throws<InvalidOperationException>(() => new RsirLoop(other).Run(results));

            var extended = new RsirLoop(options with { Rounds = 3 }).Run(results);
            Assert.Equal(4, extended.Rounds.Count);
            Assert.True(extended.Rounds.Take(3).All(r => r.Resumed) && !extended.Rounds[3].Resumed);
            Assert.Equal(3, LoopFolder.Open(results).Options.Rounds);
            Assert.Equal(4, LoopFolder.Open(results).Rounds.Count);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void An_ablation_can_start_from_another_runs_base_model_only_when_it_was_trained_the_same_way()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-loop-").FullName;
        try
        {
            var options = ToyOptions(WriteToyDataset(folder), rounds: 1);
            var judged = new RsirLoop(options).Run(Path.Combine(folder, "judged"));
            var noJudge = options with { Generation = options.Generation.WithoutFidelityControl() };
            var ablation = new RsirLoop(noJudge).Run(Path.Combine(folder, "nojudge"), baseFrom: Path.Combine(folder, "judged"));
            Assert.True(ablation.Rounds[0].Resumed);
            Assert.False(ablation.Rounds[1].Resumed);
            Assert.Equal(judged.Rounds[0].Test, ablation.Rounds[0].Test);
            Assert.False(LoopFolder.Open(Path.Combine(folder, "nojudge")).Options.Generation.FidelityControl);

            var otherSeed = noJudge with { Run = noJudge.Run with { Training = noJudge.Run.Training with { Seed = 99 } } };
            var error = Assert.Throws<InvalidOperationException>(() =>
                new RsirLoop(otherSeed).Run(Path.Combine(folder, "other"), baseFrom: Path.Combine(folder, "judged")));
            Assert.Contains("cannot be reused", error.Message);
            Assert.False(Directory.Exists(Path.Combine(folder, "other")));   // nothing written for a refused run
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
