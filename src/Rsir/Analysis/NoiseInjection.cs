using Rsir.Data;

namespace Rsir.Analysis;

/// <summary>What <see cref="NoiseInjection.Apply"/> changed.</summary>
public sealed record NoiseSummary(double Share, long RealItems, long Replaced);

/// <summary>
/// Noise robustness (the paper's appendix): a share r of the items in the real training rows is replaced by items
/// drawn uniformly from the catalogue. Exactly round(r · #items) positions are chosen uniformly without replacement
/// among all item positions of the real rows, and each gets a uniform item other than the one it held, so the share
/// of changed items is exactly r (up to rounding). Synthetic rows, validation and test (targets and histories) are
/// left as they are: only the training signal is corrupted, the evaluation is the clean one.
/// </summary>
public static class NoiseInjection
{
    public static (Dataset Data, NoiseSummary Summary) Apply(Dataset data, double share, int seed)
    {
        if (double.IsNaN(share) || share < 0 || share > 1)
            throw new ArgumentOutOfRangeException(nameof(share), $"The noise share must be in [0, 1]; got {share}.");
        if (data.ItemCount < 2 && share > 0)
            throw new ArgumentException("A catalogue of one item leaves nothing to replace an item with.", nameof(data));

        var rows = data.TrainRows.Select(r => r.Origin.IsReal ? r with { Items = (int[])r.Items.Clone() } : r).ToArray();
        var positions = new List<(int Row, int Index)>();
        for (int row = 0; row < rows.Length; row++)
            if (rows[row].Origin.IsReal)
                for (int i = 0; i < rows[row].Items.Length; i++) positions.Add((row, i));

        long replace = (long)Math.Round(share * positions.Count, MidpointRounding.AwayFromZero);
        var random = new Random(seed);
        // Partial Fisher–Yates: the first `replace` positions are a uniform sample without replacement.
        for (int i = 0; i < replace; i++)
        {
            int j = random.Next(i, positions.Count);
            (positions[i], positions[j]) = (positions[j], positions[i]);
            var (row, index) = positions[i];
            int old = rows[row].Items[index];
            int item = random.Next(1, data.ItemCount);   // 1..ItemCount−1, shifted past the old item
            rows[row].Items[index] = item >= old ? item + 1 : item;
        }
        return (DatasetRows.Replace(data, rows), new NoiseSummary(share, positions.Count, replace));
    }
}
