namespace Rsir.Tests.Reliability;

/// <summary>Same seed, same machine, CPU: the same numbers, run after run.</summary>
public class DeterminismTests
{
    static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "Reliability", "Corpus");

    [Fact]
    public void Two_train_runs_with_the_same_seed_give_identical_metrics_and_losses_and_another_seed_does_not()
    {
        string folder = CliHarness.NewTempFolder("rsir-determinism-");
        try
        {
            string config = Path.Combine(folder, "tiny.json");
            File.WriteAllText(config, """
                { "Device": "cpu", "Backbone": { "Dim": 16, "Heads": 2, "FeedForward": 32, "Layers": 1, "MaxLength": 20 },
                  "Training": { "MaxEpochs": 2, "Patience": 2, "BatchSize": 16, "Negatives": 16 } }
                """);
            (string Metrics, string[] Losses) Train(string name, long seed)
            {
                var outcome = CliHarness.Run("train", "--dataset", Path.Combine(Corpus, "toy.txt"), "--config", config,
                    "--seed", $"{seed}", "--out", folder, "--name", name, "--json");
                Assert.True(outcome.ExitCode == 0, outcome.Stderr);
                var json = outcome.Json;
                string metrics = json.GetProperty("test").GetRawText() + json.GetProperty("validation").GetRawText();
                var losses = File.ReadLines(Path.Combine(folder, name, "epochs.csv")).Skip(1).Select(l => l.Split(',')[1]).ToArray();
                return (metrics, losses);
            }

            var first = Train("first", 11);
            var second = Train("second", 11);
            var otherSeed = Train("other", 12);

            Assert.Equal(2, first.Losses.Length);
            Assert.Equal(first.Metrics, second.Metrics);
            Assert.Equal(first.Losses, second.Losses);
            Assert.NotEqual(first.Losses, otherSeed.Losses);   // the comparison can tell runs apart
        }
        finally { CliHarness.DeleteQuietly(folder); }
    }
}
