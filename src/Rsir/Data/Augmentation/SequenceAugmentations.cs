namespace Rsir.Data.Augmentation;

/// <summary>
/// The item-level sequence augmentations of CL4SRec (crop, mask, reorder) and CoSeRec (insert, substitute), as in the
/// lab's DR4SR code (<c>module/data_augmentation.py</c>). Each is a pure function: it reads the sequence (oldest
/// first, no padding), draws only from the given <see cref="Random"/>, and returns a new array.
/// CL4SRec uses them for its contrastive views; the augmentation baselines use them to add augmented copies.
/// </summary>
public static class SequenceAugmentations
{
    /// <summary>A random contiguous window of length max(1, ⌊eta·n⌋).</summary>
    public static int[] Crop(IReadOnlyList<int> sequence, double eta, Random random)
    {
        Check(sequence, eta, nameof(eta), random);
        int n = sequence.Count;
        int length = Math.Max(1, (int)Math.Floor(eta * n));
        int start = random.Next(n - length + 1);
        return Slice(sequence, start, length);
    }

    /// <summary>⌊gamma·n⌋ distinct random positions replaced by <paramref name="maskId"/>.</summary>
    public static int[] Mask(IReadOnlyList<int> sequence, double gamma, int maskId, Random random)
    {
        Check(sequence, gamma, nameof(gamma), random);
        var masked = sequence.ToArray();
        foreach (int position in DistinctPositions(masked.Length, (int)Math.Floor(gamma * masked.Length), random))
            masked[position] = maskId;
        return masked;
    }

    /// <summary>The items of a random contiguous window of length ⌊beta·n⌋ shuffled; the rest in place.</summary>
    public static int[] Reorder(IReadOnlyList<int> sequence, double beta, Random random)
    {
        Check(sequence, beta, nameof(beta), random);
        var reordered = sequence.ToArray();
        int length = (int)Math.Floor(beta * reordered.Length);
        int start = random.Next(reordered.Length - length + 1);
        random.Shuffle(reordered.AsSpan(start, length));
        return reordered;
    }

    /// <summary>
    /// Before each of max(1, ⌊rate·n⌋) distinct random positions, the item most similar to the item there is inserted;
    /// the result has n + max(1, ⌊rate·n⌋) items. DR4SR's default rate is 0.4.
    /// </summary>
    public static int[] Insert(IReadOnlyList<int> sequence, double rate, Func<int, int> mostSimilar, Random random)
    {
        Check(sequence, rate, nameof(rate), random);
        ArgumentNullException.ThrowIfNull(mostSimilar);
        int n = sequence.Count;
        var chosen = new bool[n];
        foreach (int position in DistinctPositions(n, Math.Max(1, (int)Math.Floor(rate * n)), random)) chosen[position] = true;
        var inserted = new List<int>(2 * n);
        for (int t = 0; t < n; t++)
        {
            if (chosen[t]) inserted.Add(Similar(mostSimilar, sequence[t]));
            inserted.Add(sequence[t]);
        }
        return inserted.ToArray();
    }

    /// <summary>max(1, ⌊rate·n⌋) distinct random positions replaced by the item most similar to the one there.
    /// DR4SR's default rate is 0.1.</summary>
    public static int[] Substitute(IReadOnlyList<int> sequence, double rate, Func<int, int> mostSimilar, Random random)
    {
        Check(sequence, rate, nameof(rate), random);
        ArgumentNullException.ThrowIfNull(mostSimilar);
        var substituted = sequence.ToArray();
        foreach (int position in DistinctPositions(substituted.Length, Math.Max(1, (int)Math.Floor(rate * substituted.Length)), random))
            substituted[position] = Similar(mostSimilar, substituted[position]);
        return substituted;
    }

    private static void Check(IReadOnlyList<int> sequence, double ratio, string ratioName, Random random)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(random);
        if (sequence.Count == 0) throw new ArgumentException("An augmentation needs a sequence of at least one item.", nameof(sequence));
        if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(ratioName, $"{ratioName} must be in [0, 1]; got {ratio}.");
    }

    private static int Similar(Func<int, int> mostSimilar, int item)
    {
        int similar = mostSimilar(item);
        if (similar < 1)
            throw new InvalidOperationException($"The most-similar-item function returned {similar} for item {item}; item ids start at 1.");
        return similar;
    }

    private static int[] Slice(IReadOnlyList<int> sequence, int start, int length)
    {
        var slice = new int[length];
        for (int t = 0; t < length; t++) slice[t] = sequence[start + t];
        return slice;
    }

    /// <summary><paramref name="count"/> distinct positions of 0..n-1, uniformly (a partial Fisher–Yates shuffle).</summary>
    private static IEnumerable<int> DistinctPositions(int n, int count, Random random)
    {
        var positions = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, n);
            (positions[i], positions[j]) = (positions[j], positions[i]);
        }
        return positions.Take(count);
    }
}
