using Rsir.Analysis;
using Rsir.Data;

namespace Rsir.Tests.Analysis;

public class ApproximateEntropyTests
{
    [Fact]
    public void A_constant_sequence_is_perfectly_regular()
    {
        Assert.Equal(0, ApproximateEntropy.Of(new[] { 5, 5, 5, 5, 5, 5 }), 12);
    }

    [Fact]
    public void An_alternating_sequence_matches_the_hand_computation()
    {
        // m = 2: windows (1,2)×3, (2,1)×2 → Φ_2 = (3 log 3/5 + 2 log 2/5) / 5; m + 1 = 3: four windows, each matching
        // two → Φ_3 = log 1/2.
        double expected = Math.Abs(Math.Log(0.5) - (3 * Math.Log(0.6) + 2 * Math.Log(0.4)) / 5);
        Assert.Equal(expected, ApproximateEntropy.Of(new[] { 1, 2, 1, 2, 1, 2 }), 12);
        Assert.Equal(0.0201355135506889, expected, 12);
    }

    [Fact]
    public void A_sequence_of_distinct_items_gives_log_of_the_window_count_ratio()
    {
        // Every window matches only itself: Φ_w = log 1/(n − w + 1), so ApEn = log((n − m + 1)/(n − m)).
        Assert.Equal(Math.Log(3.0 / 2.0), ApproximateEntropy.Of(new[] { 1, 2, 3, 4 }), 12);
        Assert.Equal(Math.Log(2.0), ApproximateEntropy.Of(new[] { 7, 8, 9 }), 12);   // n = m + 1: the shortest with an ApEn
    }

    [Fact]
    public void Short_sequences_count_as_zero_or_are_skipped_as_asked()
    {
        var skip = new ApEnOptions { ShortSequences = ShortSequencePolicy.Skip };
        Assert.Equal(0, ApproximateEntropy.Of(new[] { 7, 8 }));
        Assert.True(double.IsNaN(ApproximateEntropy.Of(new[] { 7, 8 }, skip)));

        var sequences = new IReadOnlyList<int>[] { new[] { 1, 2, 3, 4 }, new[] { 7, 8 } };
        var zero = ApproximateEntropy.Mean(sequences);
        Assert.Equal(Math.Log(1.5) / 2, zero.Mean, 12);
        Assert.Equal((2, 1), (zero.Sequences, zero.ShortSequences));
        Assert.Equal(Math.Log(1.5), ApproximateEntropy.Mean(sequences, skip).Mean, 12);
    }

    [Fact]
    public void Tolerance_is_a_chebyshev_distance_on_item_ids()
    {
        // m = 1, r = 1 on (1, 2, 3, 4): C^1 = 2/4, 3/4, 3/4, 2/4; C^2 = 2/3, 3/3, 2/3.
        double phi1 = (2 * Math.Log(0.5) + 2 * Math.Log(0.75)) / 4, phi2 = 2 * Math.Log(2.0 / 3.0) / 3;
        Assert.Equal(Math.Abs(phi2 - phi1), ApproximateEntropy.Of(new[] { 1, 2, 3, 4 }, new ApEnOptions { M = 1, R = 1 }), 12);
        // Below 1, a tolerance on integer ids is exact matching (the lab script's default r = 0.2).
        var sequence = new[] { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5 };
        Assert.Equal(ApproximateEntropy.Of(sequence), ApproximateEntropy.Of(sequence, new ApEnOptions { R = 0.2 }), 12);
    }

    [Fact]
    public void Dataset_apen_averages_over_the_selected_training_rows()
    {
        var sequences = new Dictionary<int, int[]>
        {
            [1] = new[] { 1, 2, 3, 4, 9, 10 },      // training row (1, 2, 3, 4)
            [2] = new[] { 5, 5, 5, 5, 9, 10 },      // training row (5, 5, 5, 5)
        };
        var data = LeaveOneOut.Split("hand", sequences, itemCount: 10)
            .WithTrainingRows(new[] { new TrainingRow(3, new[] { 1, 2, 1, 2, 1, 2 }, new RowOrigin(1, 1)) });
        double distinct = Math.Log(1.5), alternating = 0.0201355135506889;
        Assert.Equal(distinct / 2, ApproximateEntropy.OfDataset(data, RowSelection.RealOnly).Mean, 12);
        Assert.Equal(alternating, ApproximateEntropy.OfDataset(data, RowSelection.SyntheticOnly).Mean, 12);
        Assert.Equal((distinct + alternating) / 3, ApproximateEntropy.OfDataset(data).Mean, 12);
    }

    [Fact]
    public void Exact_matching_by_counting_windows_equals_comparing_every_pair()
    {
        var random = new Random(6);
        for (int trial = 0; trial < 50; trial++)
        {
            var sequence = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(1, 6)).ToArray();
            for (int w = 1; w <= 4; w++)
                Assert.Equal(ApproximateEntropy.PhiPairwise(sequence, w, 0), ApproximateEntropy.PhiExact(sequence, w), 12);
        }
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ApproximateEntropy.Of(new[] { 1, 2, 3 }, new ApEnOptions { M = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ApproximateEntropy.Of(new[] { 1, 2, 3 }, new ApEnOptions { R = -1 }));
    }
}
