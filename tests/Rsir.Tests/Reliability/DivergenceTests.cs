using Rsir.Data;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Reliability;

/// <summary>A loss or score that stops being a number ends training with a message naming the epoch, and the model
/// keeps the last good weights.</summary>
public class DivergenceTests
{
    static readonly string Toy = Path.Combine(AppContext.BaseDirectory, "Reliability", "Corpus", "toy.txt");

    [Fact]
    public void A_poisoned_embedding_stops_training_at_the_next_epoch_and_restores_the_last_good_weights()
    {
        var data = new DatasetCatalog().Load(Toy, new DatasetLoadOptions(MaxLength: 20)).Dataset;
        using var model = Backbones.Build(new BackboneOptions { Dim = 16, Heads = 2, FeedForward = 32, Layers = 1, MaxLength = 20 }, data.ItemCount, null, 3, torch.CPU);
        var trainer = new Trainer(new TrainingOptions { MaxEpochs = 5, Patience = 5, BatchSize = 16, Negatives = 16, Seed = 3 });
        Dictionary<string, Tensor>? afterEpoch1 = null;
        trainer.EpochCompleted += report =>
        {
            if (report.Epoch != 1) return;
            using var noGrad = no_grad();
            afterEpoch1 = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
            model.named_parameters().Single(p => p.name == "items.weight").parameter.fill_(double.NaN);
        };

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(model, data));

        Assert.Contains("Epoch 2: training loss is NaN", error.Message);
        Assert.Contains("restored the best weights (epoch 1)", error.Message);
        Assert.NotNull(afterEpoch1);
        foreach (var (name, value) in model.state_dict())
        {
            Assert.True(value.isfinite().all().item<bool>(), $"{name} is not finite after the restore");
            Assert.True(value.eq(afterEpoch1![name]).all().item<bool>(), $"{name} differs from its value after epoch 1");
        }
        foreach (var t in afterEpoch1!.Values) t.Dispose();
    }

    [Fact]
    public void Train_with_learning_rate_1e30_exits_1_naming_the_epoch_and_leaves_no_results_folder()
    {
        string folder = CliHarness.NewTempFolder("rsir-nan-");
        try
        {
            string config = Path.Combine(folder, "lr.json");
            File.WriteAllText(config, """
                { "Device": "cpu", "Backbone": { "Dim": 16, "Heads": 2, "FeedForward": 32, "Layers": 1, "MaxLength": 20 },
                  "Training": { "MaxEpochs": 3, "BatchSize": 8, "Negatives": 16, "LearningRate": 1e30 } }
                """);
            string results = Path.Combine(folder, "results");

            var outcome = CliHarness.Run("train", "--dataset", Toy, "--config", config, "--out", results, "--name", "nan", "--json");

            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains("Epoch 1: training loss is NaN", outcome.Error);
            Assert.Contains("Try a lower learning rate", outcome.Error);
            Assert.Contains("error: Epoch 1", outcome.Stderr);
            // No epoch finished, so nothing is worth keeping: no results/nan, no results/nan.partial.
            Assert.False(Directory.Exists(results), string.Join(", ", CliHarness.Listing(results)));
        }
        finally { CliHarness.DeleteQuietly(folder); }
    }
}
