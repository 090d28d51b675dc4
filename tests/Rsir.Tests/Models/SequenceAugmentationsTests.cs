using Rsir.Data.Augmentation;

namespace Rsir.Tests.Models;

public class SequenceAugmentationsTests
{
    private const int MaskId = 51;
    private static int SimilarOf(int item) => 100 + item; // recognisable "most similar" ids

    private static int[] Sequence(int n) => Enumerable.Range(1, n).Select(i => (i * 7) % 50 + 1).ToArray();

    public static TheoryData<int> Lengths => new() { 1, 2, 3, 5, 10, 17, 50 };

    [Theory, MemberData(nameof(Lengths))]
    public void Crop_keeps_a_contiguous_window_of_max_1_floor_eta_n(int n)
    {
        var input = Sequence(n);
        var original = input.ToArray();
        for (int seed = 0; seed < 20; seed++)
        {
            var cropped = SequenceAugmentations.Crop(input, 0.4, new Random(seed));
            Assert.Equal(Math.Max(1, (int)Math.Floor(0.4 * n)), cropped.Length);
            Assert.True(IsContiguousWindow(input, cropped), $"[{string.Join(",", cropped)}] is not a window of the input");
        }
        Assert.Equal(original, input);
    }

    [Fact]
    public void Crop_with_eta_1_copies_and_otherwise_shortens()
    {
        var input = Sequence(10);
        var whole = SequenceAugmentations.Crop(input, 1.0, new Random(1));
        Assert.Equal(input, whole);
        Assert.NotSame(input, whole);
        Assert.Equal(2, SequenceAugmentations.Crop(input, 0.2, new Random(1)).Length);
    }

    [Fact]
    public void Crop_draws_different_windows()
    {
        var input = Sequence(20);
        var starts = Enumerable.Range(0, 30)
            .Select(seed => SequenceAugmentations.Crop(input, 0.2, new Random(seed))[0]).Distinct().Count();
        Assert.True(starts > 3, $"only {starts} distinct windows in 30 draws");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Mask_replaces_exactly_floor_gamma_n_positions_and_nothing_else(int n)
    {
        var input = Sequence(n);
        var original = input.ToArray();
        for (int seed = 0; seed < 20; seed++)
        {
            var masked = SequenceAugmentations.Mask(input, 0.7, MaskId, new Random(seed));
            Assert.Equal(n, masked.Length);
            Assert.Equal((int)Math.Floor(0.7 * n), masked.Count(i => i == MaskId));
            for (int t = 0; t < n; t++)
                Assert.True(masked[t] == MaskId || masked[t] == input[t], $"position {t} became {masked[t]}");
        }
        Assert.Equal(original, input);
    }

    [Fact]
    public void Mask_positions_vary_with_the_random_source()
    {
        var input = Sequence(10);
        var patterns = Enumerable.Range(0, 20)
            .Select(seed => string.Join(",", SequenceAugmentations.Mask(input, 0.4, MaskId, new Random(seed)))).Distinct().Count();
        Assert.True(patterns > 5, $"only {patterns} distinct mask patterns");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Reorder_permutes_only_a_window_of_floor_beta_n(int n)
    {
        var input = Enumerable.Range(1, n).ToArray(); // distinct items, so every move is visible
        var original = input.ToArray();
        int window = (int)Math.Floor(0.5 * n);
        for (int seed = 0; seed < 20; seed++)
        {
            var reordered = SequenceAugmentations.Reorder(input, 0.5, new Random(seed));
            Assert.Equal(input.OrderBy(i => i), reordered.OrderBy(i => i));
            var moved = Enumerable.Range(0, n).Where(t => reordered[t] != input[t]).ToArray();
            if (moved.Length > 0) Assert.True(moved[^1] - moved[0] < window, $"moved positions {string.Join(",", moved)} exceed a window of {window}");
        }
        Assert.Equal(original, input);
    }

    [Fact]
    public void Reorder_changes_the_order_for_some_draws()
    {
        var input = Enumerable.Range(1, 10).ToArray();
        int changed = Enumerable.Range(0, 20).Count(seed => !SequenceAugmentations.Reorder(input, 0.5, new Random(seed)).SequenceEqual(input));
        Assert.True(changed >= 15, $"only {changed} of 20 reorders changed the sequence");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Insert_puts_the_most_similar_item_before_max_1_floor_rate_n_items(int n)
    {
        var input = Sequence(n);
        var original = input.ToArray();
        for (int seed = 0; seed < 20; seed++)
        {
            var inserted = SequenceAugmentations.Insert(input, 0.4, SimilarOf, new Random(seed));
            int count = Math.Max(1, (int)Math.Floor(0.4 * n));
            Assert.Equal(n + count, inserted.Length);
            Assert.Equal(input, inserted.Where(i => i < 100));
            for (int t = 0; t < inserted.Length; t++)
                if (inserted[t] >= 100) Assert.Equal(SimilarOf(inserted[t + 1]), inserted[t]);
        }
        Assert.Equal(original, input);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Substitute_replaces_max_1_floor_rate_n_items_by_their_most_similar(int n)
    {
        var input = Sequence(n);
        var original = input.ToArray();
        for (int seed = 0; seed < 20; seed++)
        {
            var substituted = SequenceAugmentations.Substitute(input, 0.1, SimilarOf, new Random(seed));
            Assert.Equal(n, substituted.Length);
            var changed = Enumerable.Range(0, n).Where(t => substituted[t] != input[t]).ToArray();
            Assert.Equal(Math.Max(1, (int)Math.Floor(0.1 * n)), changed.Length);
            foreach (int t in changed) Assert.Equal(SimilarOf(input[t]), substituted[t]);
        }
        Assert.Equal(original, input);
    }

    [Fact]
    public void Same_seed_gives_the_same_augmentation()
    {
        var input = Sequence(30);
        Assert.Equal(SequenceAugmentations.Mask(input, 0.4, MaskId, new Random(7)), SequenceAugmentations.Mask(input, 0.4, MaskId, new Random(7)));
        Assert.Equal(SequenceAugmentations.Reorder(input, 0.4, new Random(7)), SequenceAugmentations.Reorder(input, 0.4, new Random(7)));
        Assert.Equal(SequenceAugmentations.Crop(input, 0.4, new Random(7)), SequenceAugmentations.Crop(input, 0.4, new Random(7)));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var random = new Random(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceAugmentations.Crop(Sequence(5), 1.5, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceAugmentations.Mask(Sequence(5), -0.1, MaskId, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceAugmentations.Reorder(Sequence(5), double.NaN, random));
        Assert.Throws<ArgumentException>(() => SequenceAugmentations.Crop(Array.Empty<int>(), 0.5, random));
        Assert.Throws<ArgumentNullException>(() => SequenceAugmentations.Insert(Sequence(5), 0.4, null!, random));
        Assert.Throws<InvalidOperationException>(() => SequenceAugmentations.Substitute(Sequence(5), 0.4, _ => 0, random));
    }

    [Fact]
    public void Ratios_are_recorded_per_dataset()
    {
        Assert.Equal(new AugmentationRatios(0.2, 0.4, 0.2), AugmentationRatios.ForDataset("Beauty"));
        Assert.Equal(new AugmentationRatios(0.4, 0.4, 0.2), AugmentationRatios.ForDataset("Sports_and_Outdoors"));
        Assert.Equal(new AugmentationRatios(0.2, 0.7, 0.2), AugmentationRatios.ForDataset("toys"));
        Assert.Equal(new AugmentationRatios(0.4, 0.7, 0.2), AugmentationRatios.ForDataset("Yelp"));
        Assert.Equal(AugmentationRatios.Default, AugmentationRatios.ForDataset(null));
        Assert.Equal(AugmentationRatios.Default, AugmentationRatios.ForDataset("ml-1m"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationRatios(0.2, 1.2, 0.2).Validate());
    }

    private static bool IsContiguousWindow(int[] sequence, int[] window) =>
        Enumerable.Range(0, sequence.Length - window.Length + 1)
            .Any(start => sequence.AsSpan(start, window.Length).SequenceEqual(window));
}
