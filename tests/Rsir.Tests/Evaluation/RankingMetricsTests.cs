using Rsir.Evaluation;

namespace Rsir.Tests.Evaluation;

public class RankingMetricsTests
{
    [Fact]
    public void Ndcg_and_recall_match_hand_computed_values()
    {
        Assert.Equal(1.0, RankingMetrics.Ndcg(1, 10), 12);
        Assert.Equal(1 / Math.Log2(4), RankingMetrics.Ndcg(3, 10), 12);   // 0.5
        Assert.Equal(0.0, RankingMetrics.Ndcg(11, 10));
        Assert.Equal(1.0, RankingMetrics.Recall(10, 10));
        Assert.Equal(0.0, RankingMetrics.Recall(11, 10));
        Assert.Equal(0.0, RankingMetrics.Recall(RankingMetrics.Miss, 20));
        // ranks 1, 3, 30: Recall@10 = 2/3, NDCG@10 = (1 + 0.5) / 3
        var ranks = new[] { 1, 3, 30 };
        Assert.Equal(2.0 / 3, RankingMetrics.MeanRecall(ranks, 10), 12);
        Assert.Equal(0.5, RankingMetrics.MeanNdcg(ranks, 10), 12);
    }

    [Fact]
    public void Rank_counts_ties_against_the_target_and_skips_masked_items()
    {
        //                 id:  0    1    2    3    4    5
        float[] scores = { 9f, 0.5f, 0.7f, 0.5f, 0.2f, 0.9f };
        var padOnly = new HashSet<int> { 0 };
        Assert.Equal(4, RankingMetrics.Rank(scores, 1, padOnly));    // 5 and 2 higher, 3 tied → rank 4
        Assert.Equal(4, RankingMetrics.Rank(scores, 3, padOnly));    // symmetric tie: both targets rank 4
        Assert.Equal(2, RankingMetrics.Rank(scores, 1, new HashSet<int> { 0, 5, 3 }));   // history 5 and 3 masked
        Assert.Equal(RankingMetrics.Miss, RankingMetrics.Rank(scores, 5, new HashSet<int> { 0, 5 }));  // masked target
        var allEqual = new float[6];
        Assert.Equal(5, RankingMetrics.Rank(allEqual, 2, padOnly));  // a constant model ranks the target last
    }
}
