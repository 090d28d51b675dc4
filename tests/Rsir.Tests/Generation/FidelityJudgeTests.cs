using Rsir.Generation;
using static TorchSharp.torch;

namespace Rsir.Tests.Generation;

public class FidelityJudgeTests
{
    private static Tensor Scores(params float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

    private static Tensor Unused(int vocabulary, params int[][] itemsPerRow)
    {
        var mask = new bool[itemsPerRow.Length * vocabulary];
        for (int b = 0; b < itemsPerRow.Length; b++)
            foreach (int i in itemsPerRow[b]) mask[b * vocabulary + i] = true;
        return tensor(mask, new long[] { itemsPerRow.Length, vocabulary });
    }

    [Fact]
    public void RankCountsStrictlyHigherScoresOverAllIdsIncludingPad()
    {
        //                         PAD  1   2   3   4   5
        var scores = Scores(new[] { 0f, 5f, 3f, 3f, 1f, 7f },   // unused {3, 4}: best is 3 (score 3); 1 and 5 higher; 2 ties → rank 3
                            new[] { 0f, -1f, -2f, -3f, 2f, -4f }, // unused {1, 3}: best is 1 (−1); PAD (0) and 4 higher → rank 3
                            new[] { 9f, 1f, 1f, 1f, 1f, 1f });   // unused {2}: every item ties, PAD higher → rank 2
        var unused = Unused(6, new[] { 3, 4 }, new[] { 1, 3 }, new[] { 2 });

        using var judge = new FidelityJudge(tau: 2);
        var verdict = judge.Judge(scores, unused);
        Assert.Equal(new long[] { 3, 3, 2 }, verdict.BestUnusedRealRank.data<long>().ToArray());
        Assert.Equal(new[] { false, false, true }, verdict.Passed.data<bool>().ToArray());

        using var lenient = new FidelityJudge(tau: 3);
        Assert.Equal(new[] { true, true, true }, lenient.Judge(scores, unused).Passed.data<bool>().ToArray());
    }

    [Fact]
    public void InfiniteTauPassesEverythingButStillRecordsRanks()
    {
        var scores = Scores(new[] { 0f, 1f, 2f, 3f, 4f, 5f });
        var unused = Unused(6, new[] { 1 }); // rank 5: PAD (0) is lower, 2..5 are higher
        using var judge = new FidelityJudge(double.PositiveInfinity);
        Assert.False(judge.IsEnabled);
        var verdict = judge.Judge(scores, unused);
        Assert.True(verdict.Passed.data<bool>()[0]);
        Assert.Equal(5, verdict.BestUnusedRealRank.data<long>()[0]);
        var record = judge.Snapshot();
        Assert.Equal(1, record.StepsJudged);
        Assert.Equal(1, record.RankHistogram[5]);
    }

    [Fact]
    public void RecordAccumulatesCountsHistogramAndPerStepSummaries()
    {
        using var judge = new FidelityJudge(tau: 2);
        var scores = Scores(new[] { 0f, 5f, 3f, 3f, 1f, 7f }, new[] { 0f, 5f, 3f, 3f, 1f, 7f });
        judge.Judge(scores, Unused(6, new[] { 5 }, new[] { 4 }), step: 1); // ranks 1 (pass), 5 (fail)
        judge.Judge(scores, Unused(6, new[] { 1, 2 }, new[] { 2 }), step: 2); // ranks 2 (pass), 3 (fail)

        var record = judge.Snapshot();
        Assert.Equal(4, record.StepsJudged);
        Assert.Equal(2, record.StepsPassed);
        Assert.Equal(2, record.StepsFailed);
        Assert.Equal(0.5, record.PassRate);
        Assert.Equal(new long[] { 0, 1, 1, 1, 0, 1, 0 }, record.RankHistogram);
        Assert.Equal(2.75, record.MeanRank);
        Assert.Equal(0.5, record.ShareWithin(2));
        Assert.Equal(3, record.RankQuantile(0.75));
        Assert.Equal(new[] { 1, 2 }, record.PerStep.Select(s => s.Step));
        Assert.Equal(3.0, record.PerStep[0].MeanRank);
        Assert.Equal(0.5, record.PerStep[1].PassRate);

        judge.Reset();
        Assert.Equal(0, judge.Snapshot().StepsJudged);
    }

    [Fact]
    public void RejectsRowsWithoutUnusedRealItemsAndBadShapes()
    {
        using var judge = new FidelityJudge(tau: 20);
        var scores = Scores(new[] { 0f, 1f, 2f }, new[] { 0f, 1f, 2f });
        Assert.Throws<ArgumentException>(() => judge.Judge(scores, Unused(3, new[] { 1 }, Array.Empty<int>())));
        Assert.Throws<ArgumentException>(() => judge.Judge(scores, Unused(4, new[] { 1 }, new[] { 2 })));
        Assert.Throws<ArgumentException>(() => judge.Judge(scores, Unused(3, new[] { 1 }, new[] { 2 }).to(ScalarType.Int64)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FidelityJudge(0));
        Assert.Contains("Tau", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FidelityJudge(2.5));
    }
}
