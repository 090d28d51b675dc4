using Rsir.Data;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Training;

namespace Rsir.Tests.Reliability;

/// <summary>No real user's training row holds their validation or test position, after the split and after every
/// RSIR round; repeat consumption (targets already in the history) is counted and reported.</summary>
public class LeakageTests
{
    static readonly Dictionary<int, int[]> Sequences = new()
    {
        [1] = new[] { 1, 2, 3, 4, 5 },
        [2] = new[] { 2, 3, 4, 5, 6, 7 },
        [3] = new[] { 3, 1, 4, 1, 5 },
    };

    static Dataset Split() => LeaveOneOut.Split("hand", Sequences, itemCount: 7);

    [Fact]
    public void The_split_passes_and_every_real_row_is_the_sequence_without_its_last_two_items()
    {
        var dataset = Split();
        var report = LeakageCheck.Verify(dataset);
        Assert.Equal(new LeakageReport(Users: 3, RealRows: 3, SyntheticRows: 0, ValidationTargetsInHistory: 1, TestTargetsInHistory: 0), report);   // user 3: validation target 1 came before
        Assert.All(dataset.TrainRows, row => Assert.Equal(Sequences[row.User][..^2], row.Items));
    }

    [Fact]
    public void A_training_row_that_holds_the_validation_item_is_leakage()
    {
        var good = Split();
        var rows = good.TrainRows.Select(r => r.User == 2 ? r with { Items = Sequences[2][..^1] } : r).ToArray();
        var leaky = new Dataset("hand", good.ItemCount, good.UserCount, rows, good.Validation, good.Test, good.UserSequences, good.Summary);

        var error = Assert.Throws<DataLeakageException>(() => LeakageCheck.Verify(leaky));
        Assert.Contains("training row of user 2 is [2 3 4 5 6]", error.Message);
        Assert.Contains("must be the user's sequence without its validation and test items, [2 3 4 5]", error.Message);
    }

    [Fact]
    public void A_second_real_row_a_pseudo_user_with_a_real_id_or_a_shifted_test_row_is_leakage()
    {
        var good = Split();
        var whole = Assert.Throws<DataLeakageException>(() =>
            LeakageCheck.Verify(good.WithTrainingRows(new[] { new TrainingRow(1, Sequences[1], RowOrigin.Real(1)) })));
        Assert.Contains("user 1 has more than one real training row", whole.Message);

        var impostor = Assert.Throws<DataLeakageException>(() =>
            LeakageCheck.Verify(good.WithTrainingRows(new[] { new TrainingRow(3, new[] { 1, 2, 3 }, new RowOrigin(1, 3, "SasRec", "JudgeFailed")) })));
        Assert.Contains("uses the id of real user 3", impostor.Message);

        var test = good.Test.Select(r => r.User == 1 ? r with { History = Sequences[1], Target = 5 } : r).ToArray();
        var shifted = new Dataset("hand", good.ItemCount, good.UserCount, good.TrainRows, good.Validation, test, good.UserSequences, good.Summary);
        Assert.Contains("test row of user 1", Assert.Throws<DataLeakageException>(() => LeakageCheck.Verify(shifted)).Message);

        // Synthetic rows may hold any items, the held-out ones included.
        var synthetic = good.WithTrainingRows(new[] { new TrainingRow(4, new[] { 4, 5, 6, 7 }, new RowOrigin(1, 2, "SasRec", "JudgeFailed")) });
        Assert.Equal(1, LeakageCheck.Verify(synthetic).SyntheticRows);
    }

    [Fact]
    public void Data_stats_reports_repeat_consumption_in_the_file_and_in_the_evaluated_history()
    {
        string folder = CliHarness.NewTempFolder("rsir-repeats-");
        try
        {
            // User 1: test target 2 and validation target 1 occur earlier. User 3: test target 9 occurs earlier.
            // User 4: test target 60 occurs only 54 items back, outside the last 50 that are evaluated.
            string file = Path.Combine(folder, "repeats.txt");
            File.WriteAllText(file, "1 1 2 3 1 2\n2 4 5 6 7 8\n3 9 8 9 10 9\n4 60 " + string.Join(' ', Enumerable.Range(1, 53)) + " 60\n");

            var dataset = new DatasetCatalog().Load(file).Dataset;
            var report = LeakageCheck.Verify(dataset);
            Assert.Equal((1, 2), (report.ValidationTargetsInHistory, report.TestTargetsInHistory));

            var outcome = CliHarness.Run("data", "stats", "--dataset", file, "--json");
            Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            var repeats = outcome.Json.GetProperty("repeat_consumption");
            Assert.Equal(3, repeats.GetProperty("test_target_in_history").GetInt32());
            Assert.Equal(1, repeats.GetProperty("validation_target_in_history").GetInt32());
            Assert.Equal(2, repeats.GetProperty("evaluated_test_target_in_history").GetInt32());
            Assert.Equal(1, repeats.GetProperty("evaluated_validation_target_in_history").GetInt32());
            Assert.Contains("repeat consumption: 3 of 4 users' test targets and 1 validation targets", outcome.Stderr);
        }
        finally { CliHarness.DeleteQuietly(folder); }
    }

    [Fact]
    public void The_loop_checks_every_round_and_refuses_a_round_whose_pseudo_users_take_real_ids()
    {
        string folder = CliHarness.NewTempFolder("rsir-loop-leak-");
        try
        {
            var options = new RsirLoopOptions
            {
                Run = new TrainingRunOptions
                {
                    Dataset = Path.Combine(AppContext.BaseDirectory, "Reliability", "Corpus", "toy.txt"), Device = "cpu",
                    Backbone = new BackboneOptions { Dim = 16, Heads = 2, FeedForward = 32, Layers = 1, MaxLength = 12 },
                    Training = new TrainingOptions { MaxEpochs = 1, Patience = 1, BatchSize = 32, Negatives = 16 },
                },
                Generation = new GenerationOptions { MaxLength = 12, M = 1, SeedRows = SeedRows.RealOnly },
                Rounds = 1,
            };
            string run = Path.Combine(folder, "run");
            var result = new RsirLoop(options).Run(run);   // LeakageCheck.Verify runs after the round's D_1 is formed
            Assert.True(result.Rounds[1].SyntheticRows > 0);

            // Tamper with the saved round: the first pseudo-user takes real user 1's id. Resuming must refuse it.
            string synthetic = Path.Combine(run, "round-01", "synthetic.tsv");
            var lines = File.ReadAllLines(synthetic);
            var fields = lines[1].Split('\t');
            fields[0] = "1";
            lines[1] = string.Join('\t', fields);
            File.WriteAllLines(synthetic, lines);
            var error = Assert.Throws<DataLeakageException>(() => new RsirLoop(options).Run(run));
            Assert.Contains("uses the id of real user 1", error.Message);
        }
        finally { CliHarness.DeleteQuietly(folder); }
    }
}
