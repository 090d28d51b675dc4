using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Tests.Analysis;
using Rsir.Tests.Reliability;

namespace Rsir.Tests.Experiments;

public class GenerationRunTests(TinyLoopFixture loop) : IClassFixture<TinyLoopFixture>
{
    [Fact]
    public void With_the_loops_own_settings_it_repeats_the_loops_next_round_from_the_saved_model()
    {
        var result = GenerationRun.Run(loop.LoopPath, fromRound: 0);
        var saved = LoopFolder.Open(loop.LoopPath).ReadSynthetic(1);
        var rows = result.Generated.Rows;
        Assert.NotEmpty(saved);
        Assert.Equal(saved.Count, rows.Count);
        for (int i = 0; i < saved.Count; i++)
        {
            Assert.Equal(saved[i].User, rows[i].User);
            Assert.Equal(saved[i].Items, rows[i].Items);
            Assert.Equal(saved[i].Origin, rows[i].Origin);
        }
        Assert.Equal(loop.Result.Rounds[0].TrainRows, result.Before.Rows);
        Assert.Equal(loop.Result.Rounds[1].TrainRows, result.After.Rows);
        Assert.Equal(loop.Result.Rounds[1].Density, result.After.Density);
        Assert.Equal(result.Before.Targets + rows.Sum(r => (long)r.Items.Length - 1), result.After.Targets);
        Assert.Null(result.Folder);
    }

    [Fact]
    public void The_no_judge_round_never_stops_for_the_judge_and_is_saved_as_a_whole()
    {
        var root = CliHarness.NewTempFolder("rsir-generate-");
        try
        {
            var outcome = CliHarness.Run("generate", "--run", loop.LoopPath, "--round", "0", "--no-judge", "--out", root, "--json");
            Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            var json = outcome.Json;
            Assert.Equal(0, json.GetProperty("from_round").GetInt32());
            Assert.Equal("Infinity", json.GetProperty("tau").GetString());   // JSON has no infinity: a named literal
            var folder = json.GetProperty("results").GetString()!;
            Assert.Equal("loop-from-round-0-nojudge", Path.GetFileName(folder));
            Assert.False(Directory.Exists(folder + ".partial"));
            foreach (var file in new[] { "synthetic.tsv", "judge.json", "generation.json" }) Assert.True(File.Exists(Path.Combine(folder, file)), file);
            var rows = SyntheticRowsFile.Read(Path.Combine(folder, "synthetic.tsv"), 1);
            Assert.Equal(json.GetProperty("sequences_kept").GetInt32(), rows.Count);
            Assert.DoesNotContain(rows, r => r.Origin.StopReason == nameof(StopReason.JudgeFailed));

            // The judged round from the same model stops some sequences at the judge and keeps shorter ones.
            var judged = GenerationRun.Run(loop.LoopPath, fromRound: 0);
            Assert.True(judged.Generated.Statistics.StopReasonsTried.GetValueOrDefault(StopReason.JudgeFailed) > 0);
            Assert.True(json.GetProperty("mean_length").GetDouble() > judged.Generated.Statistics.MeanLength);
        }
        finally { CliHarness.DeleteQuietly(root); }
    }

    [Fact]
    public void An_unfinished_round_or_an_existing_output_is_bad_input_and_writes_nothing()
    {
        var root = CliHarness.NewTempFolder("rsir-generate-");
        try
        {
            var missing = CliHarness.Run("generate", "--run", loop.LoopPath, "--round", "7", "--out", root, "--json");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("Round 7 is not finished", missing.Error);
            Assert.Empty(CliHarness.Listing(root));

            Directory.CreateDirectory(Path.Combine(root, "taken"));
            var taken = CliHarness.Run("generate", "--run", loop.LoopPath, "--name", "taken", "--out", root, "--json");
            Assert.Equal(2, taken.ExitCode);
            Assert.Contains("already exists", taken.Error);
            Assert.Equal(new[] { "taken/" }, CliHarness.Listing(root));
        }
        finally { CliHarness.DeleteQuietly(root); }
    }
}
