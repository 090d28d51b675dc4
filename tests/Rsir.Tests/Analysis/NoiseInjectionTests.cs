using Rsir.Analysis;
using Rsir.Data;
using Rsir.Tests.Generation;

namespace Rsir.Tests.Analysis;

public class NoiseInjectionTests
{
    private static Dataset WithSynthetic() => GenerationTestKit.MakeDataset(itemCount: 40, users: 60, seed: 9)
        .WithTrainingRows(new[] { new TrainingRow(1000, new[] { 1, 2, 3 }, new RowOrigin(1, 1)) });

    private static int Changed(Dataset before, Dataset after) =>
        before.TrainRows.Zip(after.TrainRows).Sum(p => p.First.Items.Zip(p.Second.Items).Count(q => q.First != q.Second));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.37)]
    [InlineData(1.0)]
    public void Exactly_the_asked_share_of_real_items_changes(double share)
    {
        var data = WithSynthetic();
        var (noisy, summary) = NoiseInjection.Apply(data, share, seed: 4);
        long realItems = data.TrainRows.Where(r => r.Origin.IsReal).Sum(r => (long)r.Items.Length);
        Assert.Equal(realItems, summary.RealItems);
        Assert.Equal((long)Math.Round(share * realItems, MidpointRounding.AwayFromZero), summary.Replaced);
        Assert.Equal(summary.Replaced, Changed(data, noisy));
        Assert.Equal(data.TrainRows.Select(r => r.Items.Length), noisy.TrainRows.Select(r => r.Items.Length));
        Assert.All(noisy.TrainRows, r => Assert.All(r.Items, i => Assert.InRange(i, 1, data.ItemCount)));
    }

    [Fact]
    public void Validation_test_and_synthetic_rows_are_untouched_and_the_seed_decides()
    {
        var data = WithSynthetic();
        var validationTargets = data.Validation.Select(r => r.Target).ToArray();
        var testTargets = data.Test.Select(r => r.Target).ToArray();
        var (noisy, _) = NoiseInjection.Apply(data, 0.5, seed: 4);
        Assert.Equal(validationTargets, noisy.Validation.Select(r => r.Target));
        Assert.Equal(testTargets, noisy.Test.Select(r => r.Target));
        Assert.Equal(data.Validation.Select(r => r.History), noisy.Validation.Select(r => r.History));
        Assert.Equal(new[] { 1, 2, 3 }, noisy.TrainRows[^1].Items);
        Assert.Equal(new[] { 1, 2, 3 }, data.TrainRows[^1].Items);   // the input dataset is not modified either
        Assert.Equal(data.RealRowCount, noisy.RealRowCount);

        var again = NoiseInjection.Apply(data, 0.5, seed: 4).Data;
        Assert.Equal(noisy.TrainRows.SelectMany(r => r.Items), again.TrainRows.SelectMany(r => r.Items));
        var other = NoiseInjection.Apply(data, 0.5, seed: 5).Data;
        Assert.NotEqual(noisy.TrainRows.SelectMany(r => r.Items), other.TrainRows.SelectMany(r => r.Items));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseInjection.Apply(data, 1.5, 0));
    }

    [Fact]
    public void A_run_with_training_noise_loads_noisy_training_rows_and_clean_evaluation()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-noise-").FullName;
        try
        {
            var path = Rsir.Tests.Experiments.RsirLoopTests.WriteToyDataset(folder);
            var clean = new Rsir.Experiments.TrainingRunOptions { Dataset = path, Device = "cpu" };
            var noisy = clean with { TrainingNoise = 0.25 };
            Dataset before = Rsir.Experiments.TrainingRun.LoadDataset(clean).Dataset, after = Rsir.Experiments.TrainingRun.LoadDataset(noisy).Dataset;
            long items = before.TrainRows.Sum(r => (long)r.Items.Length);
            Assert.Equal((long)Math.Round(0.25 * items, MidpointRounding.AwayFromZero), Changed(before, after));
            Assert.Equal(before.Test.Select(r => r.Target), after.Test.Select(r => r.Target));
            Assert.Equal(NoiseInjection.Apply(before, 0.25, (int)noisy.Training.Seed).Data.TrainRows.SelectMany(r => r.Items),
                after.TrainRows.SelectMany(r => r.Items));
            Assert.Throws<ArgumentOutOfRangeException>(() => (clean with { TrainingNoise = -0.1 }).Validate());
            var loop = new Rsir.Experiments.RsirLoop(Rsir.Tests.Experiments.RsirLoopTests.ToyOptions(path, rounds: 1) with
                { Run = Rsir.Tests.Experiments.RsirLoopTests.ToyOptions(path).Run with { TrainingNoise = 0.25 } }).Run();
            Assert.True(loop.Rounds[1].SyntheticRows > 0);   // the loop runs on noisy D_0 (its protocol check knows the rows differ)
            // Options without noise serialise as before (old results folders still resume).
            Assert.DoesNotContain("TrainingNoise", System.Text.Json.JsonSerializer.Serialize(clean));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
