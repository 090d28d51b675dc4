using Rsir.Analysis;
using Rsir.Data;
using Rsir.Data.Augmentation;
using Rsir.Generation;

namespace Rsir.Experiments;

/// <summary>
/// One round's training set D_k as data: its size, density (interactions / (rows × items), as
/// <see cref="Dataset.TrainingDensity"/>) and mean approximate entropy over all rows, the real rows, all synthetic
/// rows and the rows this round added; plus the round's test metrics.
/// </summary>
public sealed record RoundDataReport(int Round, int TrainRows, int SyntheticRows, int AddedRows, double Density,
    double ApEn, double ApEnReal, double ApEnSynthetic, double ApEnAdded, IReadOnlyDictionary<string, double> Test);

/// <summary>Reads a finished loop folder back and measures it: data per round and paired significance of rounds.</summary>
public static class LoopReport
{
    public static IReadOnlyList<RoundDataReport> DataByRound(LoopFolder loop, Dataset initial, ApEnOptions? apen = null) =>
        loop.TrainingSets(initial)
            .Select(set => Measure(set.Round, set.Data, set.Added, apen) with { Test = loop.ReadRound(set.Round).Test })
            .ToArray();

    /// <summary>
    /// The "naive insertion" comparison of the paper's data analysis, at matched growth: starting from D_0, round k adds
    /// as many rows as RSIR's round k added, each an Insert-augmented copy (rate <paramref name="insertRate"/>, the
    /// co-occurrence top-1 similar item of D_0) of a row drawn uniformly from the previous round's set. No model is
    /// trained; only density and ApEn are measured, so RSIR and insertion are compared at the same data size.
    /// </summary>
    public static IReadOnlyList<RoundDataReport> InsertGrowth(LoopFolder loop, Dataset initial, ApEnOptions? apen = null,
        int seed = 7, double insertRate = 0.4)
    {
        var data = initial.RealOnly();
        var similar = AugmentationBaseline.MostSimilarItems(data.TrainRows, data.ItemCount);
        var random = new Random(seed);
        int nextUser = SyntheticSequenceGenerator.FirstFreeUserId(data);
        var reports = new List<RoundDataReport> { Measure(0, data, Array.Empty<TrainingRow>(), apen) };
        foreach (int k in loop.Rounds.Skip(1))
        {
            int count = loop.ReadSynthetic(k).Count;
            var added = new TrainingRow[count];
            for (int i = 0; i < count; i++)
            {
                var source = data.TrainRows[random.Next(data.TrainRows.Count)];
                added[i] = new TrainingRow(nextUser++, SequenceAugmentations.Insert(source.Items, insertRate, similar, random),
                    new RowOrigin(k, source.Origin.SourceUser, "augment:insert"));
            }
            data = data.WithTrainingRows(added);
            reports.Add(Measure(k, data, added, apen));
        }
        return reports;
    }

    private static RoundDataReport Measure(int round, Dataset data, IReadOnlyList<TrainingRow> added, ApEnOptions? apen) =>
        new(round, data.TrainRows.Count, data.TrainRows.Count - data.RealRowCount, added.Count, data.TrainingDensity(),
            ApproximateEntropy.OfDataset(data, RowSelection.All, apen).Mean,
            ApproximateEntropy.OfDataset(data, RowSelection.RealOnly, apen).Mean,
            ApproximateEntropy.OfDataset(data, RowSelection.SyntheticOnly, apen).Mean,
            ApproximateEntropy.Mean(added.Select(r => (IReadOnlyList<int>)r.Items), apen).Mean,
            new Dictionary<string, double>());

    /// <summary>Round k's test results against round 0's, user by user, for every finished round k ≥ 1.</summary>
    public static IReadOnlyList<(int Round, PairedComparison Comparison)> RoundsAgainstBase(LoopFolder loop, string metric = "ndcg", int k = 10)
    {
        var baseline = loop.ReadTestRanks(0);
        return loop.Rounds.Skip(1).Select(round => (round, Significance.Compare(baseline, loop.ReadTestRanks(round), metric, k))).ToArray();
    }
}
