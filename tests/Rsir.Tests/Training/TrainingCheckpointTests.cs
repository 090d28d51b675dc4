using Rsir.Data;
using Rsir.Models;
using Rsir.Tests.Experiments;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Training;

/// <summary>A fit stopped after an epoch and continued from its checkpoint, in a new trainer with a freshly built model,
/// ends bit for bit where the uninterrupted fit ends: every epoch's loss and validation, the test ranks, the weights.</summary>
public class TrainingCheckpointTests
{
    static readonly TrainingOptions Recipe = new() { MaxEpochs = 6, Patience = 3, BatchSize = 32, Negatives = 16, Seed = 5 };

    static Dataset ToyData(string folder, int users = 200) =>
        new DatasetCatalog().Load(RsirLoopTests.WriteToyDataset(folder, users: users), new DatasetLoadOptions(MaxLength: 20)).Dataset;

    static SequentialRecommender Model(string kind, Dataset data) =>
        Backbones.Build(new BackboneOptions { Kind = kind, Dim = 16, Heads = 2, FeedForward = 32, Layers = 1, MaxLength = 20, Dropout = 0.3 },
            data.ItemCount, null, 5, CPU);

    static Dictionary<string, float[]> Weights(SequentialRecommender model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().to(ScalarType.Float32).data<float>().ToArray());

    [Theory]
    [InlineData("sasrec")]
    [InlineData("cl4srec")]   // its contrastive views draw from the shuffle's generator too
    public void A_fit_stopped_after_epoch_2_and_resumed_ends_where_the_uninterrupted_fit_ends(string kind)
    {
        var folder = Directory.CreateTempSubdirectory("rsir-checkpoint-").FullName;
        try
        {
            var data = ToyData(folder);
            using var reference = Model(kind, data);
            var uninterrupted = new Trainer(Recipe).Fit(reference, data);
            Assert.True(uninterrupted.EpochsRun > 3, $"the toy fit should run past the interruption ({uninterrupted.EpochsRun} epochs)");

            string checkpoint = Path.Combine(folder, "fit.checkpoint.bin");
            using (var stopped = Model(kind, data))
            {
                using var stop = new CancellationTokenSource();
                var first = new Trainer(Recipe) { CheckpointFile = checkpoint };
                first.EpochCompleted += report => { if (report.Epoch == 2) stop.Cancel(); };
                Assert.True(first.Fit(stopped, data, stop.Token).Cancelled);
            }
            Assert.True(File.Exists(checkpoint));

            using var continued = Model(kind, data);
            var second = new Trainer(Recipe) { CheckpointFile = checkpoint };
            int resumedAfter = 0;
            second.Resumed += epoch => resumedAfter = epoch;
            var resumed = second.Fit(continued, data);

            Assert.Equal(2, resumedAfter);
            Assert.Equal(uninterrupted.EpochsRun, resumed.EpochsRun);
            Assert.Equal(uninterrupted.BestEpoch, resumed.BestEpoch);
            Assert.Equal(uninterrupted.StopReason, resumed.StopReason);
            Assert.Equal(uninterrupted.Epochs.Select(e => e.Loss), resumed.Epochs.Select(e => e.Loss));
            Assert.Equal(uninterrupted.Epochs.Select(e => e.ValidationScore), resumed.Epochs.Select(e => e.ValidationScore));
            Assert.Equal(uninterrupted.Test.Ranks, resumed.Test.Ranks);
            var expected = Weights(reference);
            foreach (var (name, values) in Weights(continued)) Assert.True(expected[name].SequenceEqual(values), $"{name} differs");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_checkpoint_of_other_training_rows_or_an_unreadable_one_is_refused_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-checkpoint-").FullName;
        try
        {
            var data = ToyData(folder);
            string checkpoint = Path.Combine(folder, "fit.checkpoint.bin");
            using (var model = Model("sasrec", data))
            {
                using var stop = new CancellationTokenSource();
                var trainer = new Trainer(Recipe) { CheckpointFile = checkpoint };
                trainer.EpochCompleted += _ => stop.Cancel();
                trainer.Fit(model, data, stop.Token);
            }

            var fewer = ToyData(Directory.CreateDirectory(Path.Combine(folder, "fewer")).FullName, users: 150);
            using (var other = Model("sasrec", fewer))
            {
                var error = Assert.Throws<InvalidOperationException>(() => new Trainer(Recipe) { CheckpointFile = checkpoint }.Fit(other, fewer));
                Assert.Contains(checkpoint, error.Message);
                Assert.Contains("other training", error.Message);
            }

            File.WriteAllBytes(checkpoint, [1, 2, 3]);
            using (var model = Model("sasrec", data))
            {
                var error = Assert.Throws<InvalidDataException>(() => new Trainer(Recipe) { CheckpointFile = checkpoint }.Fit(model, data));
                Assert.Contains(checkpoint, error.Message);
            }
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
