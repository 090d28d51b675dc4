using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Models;
using Rsir.Training;

namespace Rsir.Tests.Experiments;

/// <summary>A short real training on a slice of Beauty, through the same entry point as <c>rsir train</c>.</summary>
public class EndToEndTests
{
    [Fact]
    public void Sasrec_on_a_beauty_slice_beats_popularity_and_writes_a_complete_results_folder()
    {
        var root = Directory.CreateTempSubdirectory("rsir-e2e-").FullName;
        try
        {
            var options = new TrainingRunOptions
            {
                Dataset = "beauty", LimitUsers = 3000, Device = "cpu",
                Training = new TrainingOptions { MaxEpochs = 12, Patience = 3 },
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
