using Rsir.Data;
using Rsir.Data.Augmentation;
using Rsir.Experiments;

namespace Rsir.Tests.Experiments;

public class AugmentationBaselineTests
{
    private static Dataset Toy()
    {
        var random = new Random(4);
        var sequences = Enumerable.Range(1, 40).ToDictionary(u => u,
            u => Enumerable.Range(1, 30).OrderBy(_ => random.Next()).Take(random.Next(5, 14)).ToArray());
        return LeaveOneOut.Split("toy", sequences, 30);
    }

    [Theory]
    [InlineData(AugmentationKind.Reorder)]
    [InlineData(AugmentationKind.Insert)]
    [InlineData(AugmentationKind.Mask)]
    [InlineData(AugmentationKind.Crop)]
    [InlineData(AugmentationKind.Substitute)]
    public void Every_augmented_copy_differs_from_its_source_and_keeps_valid_ids(AugmentationKind kind)
    {
        var data = Toy();
        var sources = data.TrainRows.ToDictionary(r => r.User, r => r.Items.ToArray());
        var (rows, summary) = AugmentationBaseline.Augment(data, kind, 3, AugmentationRatios.Beauty, new Random(1));
        Assert.Equal(rows.Count, summary.Added);
        Assert.NotEmpty(rows);
        Assert.Equal(3 * data.TrainRows.Count, summary.Added + summary.Unchanged + summary.TooShort);   // every copy accounted for
        foreach (var row in rows)
        {
            Assert.False(row.Items.SequenceEqual(sources[row.Origin.SourceUser]), $"{kind} copy of user {row.Origin.SourceUser} equals its source");
            Assert.All(row.Items, i => Assert.InRange(i, 1, data.ItemCount));
            Assert.False(row.Origin.IsReal);
            Assert.DoesNotContain(row.User, sources.Keys);
        }
        Assert.Equal(sources, data.TrainRows.ToDictionary(r => r.User, r => r.Items));   // sources untouched
        var merged = data.WithTrainingRows(rows);
        Assert.Equal(data.Test, merged.Test);
    }

    [Fact]
    public void Most_similar_item_is_the_strongest_normalised_co_occurrence()
    {
        var rows = new[]
        {
            new TrainingRow(1, new[] { 1, 2, 3 }, RowOrigin.Real(1)),
            new TrainingRow(2, new[] { 1, 2 }, RowOrigin.Real(2)),
            new TrainingRow(3, new[] { 3, 4 }, RowOrigin.Real(3)),
            new TrainingRow(4, new[] { 4, 5 }, RowOrigin.Real(4)),
        };
        var similar = AugmentationBaseline.MostSimilarItems(rows, 6);
        Assert.Equal(2, similar(1));   // 1-2 together twice: 2/sqrt(2·2) = 1
        Assert.Equal(1, similar(2));
        Assert.Equal(5, similar(4));   // 4-5: 1/sqrt(2·1) ≈ .71 beats 4-3: 1/sqrt(2·2) = .5
        Assert.NotEqual(6, similar(6)); // never seen: falls back to a popular other item
    }
}
