using Microsoft.Data.Analysis;
using Rsir.Analysis;
using Rsir.Data;

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
    public static IReadOnlyList<RoundDataReport> DataByRound(LoopFolder loop, Dataset initial, ApEnOptions? apen = null)
    {
        var reports = new List<RoundDataReport>();
        foreach (var (k, data) in loop.TrainingSets(initial))
        {
            var added = loop.ReadSynthetic(k);
            int synthetic = data.TrainRows.Count - data.RealRowCount;
            reports.Add(new RoundDataReport(k, data.TrainRows.Count, synthetic, added.Count, data.TrainingDensity(),
                ApproximateEntropy.OfDataset(data, RowSelection.All, apen).Mean,
                ApproximateEntropy.OfDataset(data, RowSelection.RealOnly, apen).Mean,
                ApproximateEntropy.OfDataset(data, RowSelection.SyntheticOnly, apen).Mean,
                ApproximateEntropy.Mean(added.Select(r => (IReadOnlyList<int>)r.Items), apen).Mean,
                loop.ReadRound(k).Test));
        }
        return reports;
    }

    /// <summary>Round k's test results against round 0's, user by user, for every finished round k ≥ 1.</summary>
    public static IReadOnlyList<(int Round, PairedComparison Comparison)> RoundsAgainstBase(LoopFolder loop, string metric = "ndcg", int k = 10)
    {
        var baseline = loop.ReadTestRanks(0);
        return loop.Rounds.Skip(1).Select(round => (round, Significance.Compare(baseline, loop.ReadTestRanks(round), metric, k))).ToArray();
    }

    public static DataFrame ToDataFrame(IReadOnlyList<RoundDataReport> reports) => new(
        new Int32DataFrameColumn("round", reports.Select(r => r.Round)),
        new Int32DataFrameColumn("train_rows", reports.Select(r => r.TrainRows)),
        new Int32DataFrameColumn("synthetic_rows", reports.Select(r => r.SyntheticRows)),
        new Int32DataFrameColumn("added_rows", reports.Select(r => r.AddedRows)),
        new DoubleDataFrameColumn("density", reports.Select(r => r.Density)),
        new DoubleDataFrameColumn("apen", reports.Select(r => r.ApEn)),
        new DoubleDataFrameColumn("apen_real", reports.Select(r => r.ApEnReal)),
        new DoubleDataFrameColumn("apen_synthetic", reports.Select(r => r.ApEnSynthetic)),
        new DoubleDataFrameColumn("apen_added", reports.Select(r => r.ApEnAdded)));
}
