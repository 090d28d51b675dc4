using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Models;
using Rsir.Training;

namespace Rsir.Tests.Experiments;

/// <summary>
/// A short real training through the same entry point as <c>rsir train</c>: two epochs over all of Beauty. (On slices
/// of a few thousand users the 12,000-item catalogue is too sparse for SASRec to pass popularity in a few epochs.)
/// </summary>
public class EndToEndTests
{
    [Fact]
    public void Two_epochs_of_sasrec_on_beauty_beat_popularity_and_write_a_complete_results_folder()
    {
        var root = Directory.CreateTempSubdirectory("rsir-e2e-").FullName;
        try
        {
            var options = new TrainingRunOptions
            {
                Dataset = "beauty", Device = "cpu",
                Training = new TrainingOptions { MaxEpochs = 2 },
            };
            var run = TrainingRun.Run(options, root, "slice");
            var loaded = TrainingRun.LoadDataset(options);
            var popularity = new Evaluator().Evaluate(new Popularity(loaded.Dataset), loaded.Dataset.Test, "test");

            Assert.True(run.Training.Test.Ndcg(10) > popularity.Ndcg(10),
                $"SASRec NDCG@10 {run.Training.Test.Ndcg(10):F4} should beat popularity {popularity.Ndcg(10):F4}");
            Assert.True(run.Training.Test.Recall(20) > popularity.Recall(20));
            Assert.Equal(Path.Combine(root, "slice"), run.ResultsPath);
            foreach (var file in new[] { "run.json", "epochs.csv", "metrics.json", "metrics.csv", "test_ranks.csv", "model.bin" })
                Assert.True(File.Exists(Path.Combine(run.ResultsPath!, file)), file);
            Assert.False(Directory.Exists(Path.Combine(root, "slice.partial")));
            Assert.Equal(run.Training.EpochsRun + 1, File.ReadAllLines(Path.Combine(run.ResultsPath!, "epochs.csv")).Length);
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
