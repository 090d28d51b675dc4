using System.Diagnostics;
using Rsir.Data;

namespace Rsir.Generation;

/// <summary>
/// The end of a round: sequences shorter than MinLength are dropped, exact duplicates across the round removed, the
/// rest numbered as pseudo-users, and the round's statistics counted.
/// </summary>
internal static class RoundAssembly
{
    public static GenerationRound Assemble(GenerationOptions options, string generatorName, List<TriedSequence> tried,
        int seedRowCount, int round, int firstPseudoUser, JudgeRecord judgeRecord, Stopwatch clock)
    {
        var longEnough = tried.Where(s => s.Items.Length >= options.MinLength).ToList();
        var seen = new HashSet<int[]>(SequenceComparer.Instance);
        var kept = new List<SyntheticSequence>();
        foreach (var s in longEnough)
            if (seen.Add(s.Items))
                kept.Add(new SyntheticSequence(firstPseudoUser + kept.Count, round, s.SourceUser, s.SeedRow, s.Copy,
                    generatorName, s.Items, s.StopReason, s.PrefixLength, s.ItemsFromHistory));

        var statistics = new RoundStatistics(
            Round: round,
            Generator: generatorName,
            SeedRows: seedRowCount,
            SequencesTried: tried.Count,
            SequencesKept: kept.Count,
            DroppedShort: tried.Count - longEnough.Count,
            DuplicatesRemoved: longEnough.Count - kept.Count,
            MeanLength: kept.Count == 0 ? 0 : kept.Average(s => s.Length),
            LengthHistogram: kept.GroupBy(s => s.Length).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            StopReasonsTried: CountReasons(tried.Select(s => s.StopReason)),
            StopReasonsKept: CountReasons(kept.Select(s => s.StopReason)),
            StepsJudged: judgeRecord.StepsJudged,
            StepsPassed: judgeRecord.StepsPassed,
            ItemsFromHistory: kept.Sum(s => (long)s.ItemsFromHistory),
            ItemsNewToUser: kept.Sum(s => (long)s.ItemsNewToUser),
            WallTime: clock.Elapsed);
        return new GenerationRound(round, options, kept, statistics, judgeRecord);
    }

    private static IReadOnlyDictionary<StopReason, int> CountReasons(IEnumerable<StopReason> reasons)
    {
        var counts = Enum.GetValues<StopReason>().ToDictionary(r => r, _ => 0);
        foreach (var r in reasons) counts[r]++;
        return counts;
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public static readonly SequenceComparer Instance = new();
        public bool Equals(int[]? x, int[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(int[] items)
        {
            var hash = new HashCode();
            foreach (int item in items) hash.Add(item);
            return hash.ToHashCode();
        }
    }
}
