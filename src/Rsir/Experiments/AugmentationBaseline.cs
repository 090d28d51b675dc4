using Rsir.Data;
using Rsir.Data.Augmentation;

namespace Rsir.Experiments;

public enum AugmentationKind { Reorder, Insert, Mask, Crop, Substitute }

/// <summary>The paper's augmentation baselines: m augmented copies of every training row, same training recipe.</summary>
public sealed record AugmentationBaselineOptions
{
    public TrainingRunOptions Run { get; init; } = new();
    public AugmentationKind Kind { get; init; } = AugmentationKind.Reorder;
    /// <summary>Augmented copies per training row.</summary>
    public int M { get; init; } = 5;
    /// <summary>Crop/mask/reorder ratios; null = CL4SRec's per-dataset values.</summary>
    public AugmentationRatios? Ratios { get; init; }
    public double InsertRate { get; init; } = 0.4;
    public double SubstituteRate { get; init; } = 0.1;

    public AugmentationBaselineOptions Validate()
    {
        Run.Validate();
        Ratios?.Validate();
        if (M < 1) throw new ArgumentOutOfRangeException(nameof(M), $"M must be ≥ 1; got {M}.");
        if (InsertRate is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(InsertRate), $"InsertRate must be in (0, 1]; got {InsertRate}.");
        if (SubstituteRate is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(SubstituteRate), $"SubstituteRate must be in (0, 1]; got {SubstituteRate}.");
        return this;
    }
}

public sealed record AugmentationSummary(AugmentationKind Kind, int SourceRows, int Added, int Unchanged, int TooShort);

/// <summary>
/// Builds augmented copies of D_0's training rows. A copy identical to its source is drawn again (a few times) and
/// otherwise skipped, so no "augmented" row silently repeats its source. Masking, for a next-item model whose
/// vocabulary has no [mask] token, drops the masked positions. Insert and Substitute use each item's most similar
/// item by co-occurrence in the training rows (cosine of co-occurrence counts; ties → lower id).
/// </summary>
public static class AugmentationBaseline
{
    private const int Attempts = 8;

    public static (IReadOnlyList<TrainingRow> Rows, AugmentationSummary Summary) Augment(Dataset data, AugmentationKind kind,
        int m, AugmentationRatios ratios, Random random, double insertRate = 0.4, double substituteRate = 0.1)
    {
        var real = data.TrainRows.Where(r => r.Origin.IsReal).ToArray();
        Func<int, int>? similar = kind is AugmentationKind.Insert or AugmentationKind.Substitute ? MostSimilarItems(real, data.ItemCount) : null;
        int[] Apply(int[] items) => kind switch
        {
            AugmentationKind.Crop => SequenceAugmentations.Crop(items, ratios.CropRatio, random),
            AugmentationKind.Reorder => SequenceAugmentations.Reorder(items, ratios.ReorderRatio, random),
            AugmentationKind.Mask => SequenceAugmentations.Mask(items, ratios.MaskRatio, int.MaxValue, random).Where(i => i != int.MaxValue).ToArray(),
            AugmentationKind.Insert => SequenceAugmentations.Insert(items, insertRate, similar!, random),
            AugmentationKind.Substitute => SequenceAugmentations.Substitute(items, substituteRate, similar!, random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        int nextUser = Generation.SyntheticSequenceGenerator.FirstFreeUserId(data);
        var rows = new List<TrainingRow>();
        int unchanged = 0, tooShort = 0;
        foreach (var row in real)
            for (int copy = 0; copy < m; copy++)
            {
                int[]? augmented = null;
                for (int attempt = 0; attempt < Attempts && augmented is null; attempt++)
                {
                    var candidate = Apply(row.Items);
                    if (!candidate.AsSpan().SequenceEqual(row.Items)) augmented = candidate;
                }
                if (augmented is null) { unchanged++; continue; }
                if (augmented.Length < 2) { tooShort++; continue; }
                rows.Add(new TrainingRow(nextUser++, augmented, new RowOrigin(1, row.User, $"augment:{kind.ToString().ToLowerInvariant()}")));
            }
        return (rows, new AugmentationSummary(kind, real.Length, rows.Count, unchanged, tooShort));
    }

    /// <summary>For every item, the other item it co-occurs with most (cosine-normalised); the most popular item when it has none.</summary>
    public static Func<int, int> MostSimilarItems(IReadOnlyList<TrainingRow> rows, int itemCount)
    {
        var count = new double[itemCount + 1];
        var together = new Dictionary<long, int>();
        foreach (var row in rows)
        {
            var distinct = row.Items.Distinct().ToArray();
            foreach (var i in distinct) count[i]++;
            for (int a = 0; a < distinct.Length; a++)
                for (int b = a + 1; b < distinct.Length; b++)
                {
                    int i = Math.Min(distinct[a], distinct[b]), j = Math.Max(distinct[a], distinct[b]);
                    long key = (long)i * (itemCount + 1) + j;
                    together[key] = together.GetValueOrDefault(key) + 1;
                }
        }
        int popular = Enumerable.Range(1, itemCount).OrderByDescending(i => count[i]).ThenBy(i => i).First();
        var best = new int[itemCount + 1];
        var bestScore = new double[itemCount + 1];
        foreach (var (key, n) in together)
        {
            int i = (int)(key / (itemCount + 1)), j = (int)(key % (itemCount + 1));
            double score = n / Math.Sqrt(count[i] * count[j]);
            if (score > bestScore[i] || (score == bestScore[i] && j < best[i])) { bestScore[i] = score; best[i] = j; }
            if (score > bestScore[j] || (score == bestScore[j] && i < best[j])) { bestScore[j] = score; best[j] = i; }
        }
        return item => best[item] != 0 ? best[item] : (item == popular ? Enumerable.Range(1, itemCount).First(i => i != popular) : popular);
    }

    public static (TrainingRunResult Result, AugmentationSummary Summary) Run(AugmentationBaselineOptions options,
        string? resultsRoot = null, string? name = null, Action<Training.EpochReport>? onEpoch = null, DatasetCatalog? data = null)
    {
        options.Validate();
        data ??= DatasetCatalog.FromEnvironment();
        var loaded = TrainingRun.LoadDataset(options.Run, data);
        var ratios = options.Ratios ?? AugmentationRatios.ForDataset(loaded.Origin.Name);
        var (rows, summary) = Augment(loaded.Dataset, options.Kind, options.M, ratios, new Random((int)options.Run.Training.Seed),
            options.InsertRate, options.SubstituteRate);
        var augmented = loaded with { Dataset = loaded.Dataset.WithTrainingRows(rows) };
        var result = TrainingRun.Run(options.Run, resultsRoot, name ?? ResultsFolder.DefaultName(
            $"baseline-{options.Kind.ToString().ToLowerInvariant()}", loaded.Origin.Name, options.Run.Backbone.Kind, options.Run.Training.Seed),
            onEpoch, loadedOverride: augmented, extra: summary, data: data);
        return (result, summary);
    }
}
