using Rsir.Data;

namespace Rsir.Tests.Data;

public class LeaveOneOutTests
{
    [Fact]
    public void Hand_example_truncates_then_splits_and_excludes_short_users()
    {
        var sequences = new Dictionary<int, int[]>
        {
            [1] = new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, // longer than 5: only 4..8 survive
            [2] = new[] { 3, 1, 2, 4 },             // exactly the minimum
            [3] = new[] { 9, 8, 7 },                // too short: no training input left after the two targets
            [4] = new[] { 5, 9, 2, 8, 6 },          // exactly max length, not truncated
        };

        var dataset = LeaveOneOut.Split("hand", sequences, itemCount: 9, maxLength: 5);

        Assert.Equal(new SplitSummary(UsersRead: 4, UsersKept: 3, UsersTooShort: 1, SequencesTruncated: 1, MaxLength: 5),
            dataset.Summary);
        Assert.Equal(3, dataset.UserCount);
        Assert.Equal(new[] { 1, 2, 4 }, dataset.TrainRows.Select(r => r.User));

        var train = dataset.TrainRows.ToDictionary(r => r.User);
        var validation = dataset.Validation.ToDictionary(r => r.User);
        var test = dataset.Test.ToDictionary(r => r.User);

        Assert.Equal(new[] { 4, 5, 6 }, train[1].Items);
        Assert.Equal(new[] { 4, 5, 6 }, validation[1].History);
        Assert.Equal(7, validation[1].Target);
        Assert.Equal(new[] { 4, 5, 6, 7 }, test[1].History);
        Assert.Equal(8, test[1].Target);

        Assert.Equal(new[] { 3, 1 }, train[2].Items);
        Assert.Equal(1, train[2].InputLength);
        Assert.Equal(new[] { 3, 1 }, validation[2].History);
        Assert.Equal(2, validation[2].Target);
        Assert.Equal(new[] { 3, 1, 2 }, test[2].History);
        Assert.Equal(4, test[2].Target);

        Assert.Equal(new[] { 5, 9, 2 }, train[4].Items);
        Assert.Equal(8, validation[4].Target);
        Assert.Equal(6, test[4].Target);

        Assert.True(train.Values.All(r => r.Origin.IsReal));
        Assert.Equal(new[] { 4, 5, 6, 7, 8 }, dataset.UserSequences[1]);
        Assert.False(dataset.UserSequences.ContainsKey(3));
    }

    [Fact]
    public void Max_length_below_the_minimum_is_rejected_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            LeaveOneOut.Split("x", new Dictionary<int, int[]> { [1] = new[] { 1, 2, 3, 4 } }, 4, maxLength: 3));
        Assert.Contains("maxLength", error.Message);
    }

    [Fact]
    public void Nobody_long_enough_is_an_error_naming_the_dataset()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            LeaveOneOut.Split("tiny", new Dictionary<int, int[]> { [1] = new[] { 1, 2, 3 } }, 3));
        Assert.Contains("tiny", error.Message);
    }
}

[Collection(BeautyCollection.Name)]
public class BeautyLeakageTests(BeautyFixture fixture)
{
    [Fact]
    public void No_training_row_holds_a_validation_or_test_position()
    {
        var loaded = fixture.Beauty;
        var dataset = loaded.Dataset;
        Assert.Equal(22_363, dataset.TrainRows.Count);
        Assert.Equal(dataset.TrainRows.Count, dataset.TrainRows.Select(r => r.User).Distinct().Count());
        var validation = dataset.Validation.ToDictionary(r => r.User);
        var test = dataset.Test.ToDictionary(r => r.User);

        foreach (var row in dataset.TrainRows)
        {
            var full = loaded.Contents.Sequences[row.User];
            var kept = full.Length > 50 ? full[^50..] : full;
            Assert.Equal(kept, dataset.UserSequences[row.User]);
            // Positions: the training row is exactly the kept sequence without its last two items.
            Assert.Equal(kept[..^2], row.Items);
            Assert.Equal(kept[^2], validation[row.User].Target);
            Assert.Equal(kept[^1], test[row.User].Target);
            // Items: Beauty never repeats an item within a user, so neither target may appear in the training row.
            Assert.DoesNotContain(validation[row.User].Target, row.Items);
            Assert.DoesNotContain(test[row.User].Target, row.Items);
            Assert.Equal(row.Items, validation[row.User].History);
            Assert.Equal(kept[..^1], test[row.User].History);
        }
    }
}
