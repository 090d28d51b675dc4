using Rsir.Data;

namespace Rsir.Tests.Data;

public class DatasetStatisticsTests
{
    static readonly Dictionary<int, int[]> Hand = new()
    {
        [1] = new[] { 1, 2, 3, 2 },          // repeat; test target 2 seen before; validation target 3 not
        [2] = new[] { 4, 5, 5, 6 },          // repeat; validation target 5 seen before; test target 6 not
        [3] = new[] { 1, 2, 3, 4, 5, 6, 7 }, // no repeat, longer than the limit 5
    };

    [Fact]
    public void Hand_example()
    {
        var stats = DatasetStatistics.Compute("hand", Hand, lengthLimit: 5, binUpperBounds: new[] { 4, 6 });

        Assert.Equal(3, stats.Users);
        Assert.Equal(7, stats.Items);
        Assert.Equal(7, stats.MaxItemId);
        Assert.Equal(15, stats.Interactions);
        Assert.Equal(15.0 / 21, stats.Density, 12);
        Assert.Equal(5.0, stats.MeanLength, 12);
        Assert.Equal(4.0, stats.MedianLength);
        Assert.Equal(4, stats.MinLength);
        Assert.Equal(7, stats.MaxLength);
        Assert.Equal(2, stats.UsersWithinLengthLimit);
        Assert.Equal(2.0 / 3, stats.ShareWithinLengthLimit, 12);
        Assert.Equal(2, stats.UsersWithRepeatedItem);
        Assert.Equal(1, stats.TestTargetInHistory);
        Assert.Equal(1, stats.ValidationTargetInHistory);
        Assert.Equal(new[] { new LengthBin(1, 4, 2), new LengthBin(5, 6, 0), new LengthBin(7, int.MaxValue, 1) },
            stats.LengthHistogram);
        Assert.Equal(new[] { "1–4", "5–6", "≥7" }, stats.LengthHistogram.Select(b => b.Label));
    }

    [Fact]
    public void Frames_hold_one_summary_row_per_dataset_and_one_row_per_bin()
    {
        var hand = DatasetStatistics.Compute("hand", Hand, lengthLimit: 5, binUpperBounds: new[] { 4, 6 });
        var other = DatasetStatistics.Compute("other", new Dictionary<int, int[]> { [1] = new[] { 1, 2, 3, 4, 5 } },
            binUpperBounds: new[] { 4, 6 });

        var summary = Rsir.Interactive.Tables.DatasetSummary(hand, other);
        Assert.Equal(2, summary.Rows.Count);
        Assert.Equal("hand", summary["dataset"][0]);
        Assert.Equal("other", summary["dataset"][1]);
        Assert.Equal(3, summary["users"][0]);
        Assert.Equal(15L, summary["interactions"][0]);
        Assert.Equal(1, summary["test_target_in_history"][0]);
        Assert.Equal(1, summary["users"][1]);

        var histogram = Rsir.Interactive.Tables.LengthHistogram(hand, other);
        Assert.Equal(6, histogram.Rows.Count);
        Assert.Equal(new object[] { 2, 0, 1, 0, 1, 0 }, histogram["users"].Cast<object>().ToArray());
        Assert.Equal(2.0 / 3, (double)histogram["share"][0]!, 12);
        Assert.Equal("other", histogram["dataset"][3]);
    }

    [Fact]
    public void Bad_bins_and_empty_datasets_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DatasetStatistics.Compute("x", Hand, binUpperBounds: new[] { 5, 5 }));
        var error = Assert.Throws<ArgumentException>(() => DatasetStatistics.Compute("empty", new Dictionary<int, int[]>()));
        Assert.Contains("empty", error.Message);
    }
}

[Collection(BeautyCollection.Name)]
public class BeautyStatisticsTests(BeautyFixture fixture)
{
    [Fact]
    public void Beauty_matches_the_measured_numbers_in_the_data_readme()
    {
        var stats = DatasetStatistics.Compute(fixture.Beauty);

        Assert.Equal("beauty", stats.Name);
        Assert.Equal(22_363, stats.Users);
        Assert.Equal(12_101, stats.Items);
        Assert.Equal(12_101, stats.MaxItemId);
        Assert.Equal(198_502, stats.Interactions);
        Assert.Equal(8.88, Math.Round(stats.MeanLength, 2));
        Assert.Equal(5, stats.MinLength);
        Assert.Equal(204, stats.MaxLength);
        Assert.Equal(0.073, Math.Round(stats.Density * 100, 3)); // percent
        Assert.Equal(50, stats.LengthLimit);
        Assert.Equal(0.993, Math.Round(stats.ShareWithinLengthLimit, 3));
        // The Amazon files never repeat an item within a user.
        Assert.Equal(0, stats.UsersWithRepeatedItem);
        Assert.Equal(0, stats.TestTargetInHistory);
        Assert.Equal(0, stats.ValidationTargetInHistory);
        Assert.Equal(0, stats.LengthHistogram[0].Users); // lengths 1..4: none in a 5-core
        Assert.Equal(stats.Users, stats.LengthHistogram.Sum(b => b.Users));
        Assert.Equal(stats.UsersWithinLengthLimit, stats.LengthHistogram.Where(b => b.MaxLength <= 50).Sum(b => b.Users));
    }
}

public class ShippedDatasetStatisticsTests
{
    [Theory]
    [InlineData("sports", 35_598, 18_357, 296_337, 296, 0.997)]
    [InlineData("toys", 19_412, 11_924, 167_597, 550, 0.994)]
    public void Sports_and_toys_match_the_measured_numbers_in_the_data_readme(
        string name, int users, int items, int interactions, int maxLength, double shareWithin50)
    {
        var stats = DatasetStatistics.Compute(new DatasetCatalog().Load(name));
        Assert.Equal((users, items, items, (long)interactions, 5, maxLength),
            (stats.Users, stats.Items, stats.MaxItemId, stats.Interactions, stats.MinLength, stats.MaxLength));
        Assert.Equal(shareWithin50, Math.Round(stats.ShareWithinLengthLimit, 3));
        Assert.Equal(0, stats.UsersWithRepeatedItem);
    }
}
