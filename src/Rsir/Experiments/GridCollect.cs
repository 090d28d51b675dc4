using System.Globalization;
using System.Text.Json;
using Rsir.Analysis;
using Rsir.Evaluation;
using Rsir.Runtime;

namespace Rsir.Experiments;

/// <summary>One row of a grid's table: a finished point's test metrics (a loop point gives one row per round, labelled
/// <c>round</c>), read from its results folder with the per-user test ranks the paired tests need.</summary>
public sealed record GridRow(GridPoint Point, int? Round, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, double> Test, EvaluationResult Ranks)
{
    public string Label => GridPlan.LabelKey(Labels);
}

/// <summary>The rows that differ only in their seed: each metric's mean ± sd over the seeds, and the paired test of
/// this group against its baseline group (per-user metric averaged over the shared seeds, then paired over users).
/// <c>Baseline</c> names the group tested against ("dataset=beauty, round=0"); it is null, with <c>Note</c> saying why,
/// for the baseline group itself, where the plan names none, or where no finished baseline row exists.</summary>
public sealed record GridGroup(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<GridRow> Rows,
    IReadOnlyDictionary<string, MeanSd> Metrics, string? Baseline, IReadOnlyDictionary<string, PairedComparison> Tests, string? Note)
{
    public string Label => GridPlan.LabelKey(Labels);
    public IReadOnlyList<string> Seeds(string seedAxis) => Rows.Select(r => r.Labels.GetValueOrDefault(seedAxis, "")).ToArray();
}

/// <summary>A plan's table: rows of the finished points, their groups, and the points not finished yet (left out).</summary>
public sealed record GridTable(GridPlan Plan, IReadOnlyList<GridRow> Rows, IReadOnlyList<GridGroup> Groups, IReadOnlyList<GridPoint> Missing)
{
    /// <summary>Label names in the order they first appear (the seed axis included), <c>round</c> last.</summary>
    public IReadOnlyList<string> LabelNames => Rows.SelectMany(r => r.Labels.Keys).Distinct()
        .OrderBy(k => k == GridPlan.RoundLabel ? 1 : 0).ToArray();
}

/// <summary>
/// <c>rsir grid collect</c>: reads every finished point's folder (<see cref="LoopFolder.ReadTestRanksOfRun"/>: a loop's
/// rounds or a training run's test ranks), groups the rows over seeds (<see cref="Significance.OverRuns"/>) and tests
/// each group against the group the plan's <c>baseline</c> names (<see cref="Significance.CompareOverSeeds"/>, over the
/// seeds both have). Writes <c>points.csv</c>, <c>groups.csv</c> and <c>table.json</c> into the grid's folder.
/// </summary>
public static class GridCollect
{
    public static GridTable Collect(GridPlan plan)
    {
        var rows = new List<GridRow>();
        var missing = new List<GridPoint>();
        foreach (var point in plan.Points)
        {
            if (point.Inspect().State != GridFolder.Finished) { missing.Add(point); continue; }
            foreach (int? round in point.Rounds is int rounds ? Enumerable.Range(0, rounds + 1).Select(k => (int?)k) : new int?[] { null })
            {
                var labels = new Dictionary<string, string>(point.Labels, StringComparer.Ordinal);
                if (round is int k) labels[GridPlan.RoundLabel] = k.ToString(CultureInfo.InvariantCulture);
                var (ranks, _) = LoopFolder.ReadTestRanksOfRun(point.Folder, round);
                rows.Add(new GridRow(point, round, labels, ranks.Metrics(), ranks));
            }
        }

        string Key(IEnumerable<KeyValuePair<string, string>> labels) => GridPlan.LabelKey(GridPlan.Canonical(labels.Where(l => l.Key != plan.SeedAxis)));
        var grouped = rows.GroupBy(r => Key(r.Labels)).Select(g => g.ToArray()).ToArray();
        var byKey = grouped.ToDictionary(g => Key(g[0].Labels));
        var groups = new List<GridGroup>();
        foreach (var g in grouped)
        {
            var labels = g[0].Labels.Where(l => l.Key != plan.SeedAxis).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
            var metrics = Significance.OverRuns(g.Select(r => r.Test));
            string key = Key(labels), baselineKey = BaselineOf(labels);
            string? baseline = null;
            var tests = new Dictionary<string, PairedComparison>(StringComparer.Ordinal);
            string? note = null;
            if (plan.Baseline.Count == 0) note = "the plan names no baseline";
            else if (baselineKey == key) note = "baseline";
            else if (!byKey.TryGetValue(baselineKey, out var baselineRows)) note = $"no finished baseline row ({baselineKey})";
            else
            {
                var pairs = g.Select(r => (Row: r, Base: baselineRows.FirstOrDefault(b => Seed(b) == Seed(r)))).Where(p => p.Base is not null)
                    .Select(p => (p.Base!.Ranks, p.Row.Ranks)).ToArray();
                if (pairs.Length == 0) note = "the baseline has none of these seeds";
                else
                    try
                    {
                        foreach (var metric in plan.Metrics)
                        {
                            var (name, k) = SplitMetric(metric);
                            tests[metric] = Significance.CompareOverSeeds(pairs, name, k);
                        }
                        baseline = baselineKey;
                        if (pairs.Length < g.Length) note = $"tested over the {pairs.Length} seeds the baseline has";
                    }
                    catch (ArgumentException e) { note = $"not comparable with the baseline: {e.Message}"; tests.Clear(); }
            }
            groups.Add(new GridGroup(labels, g, metrics, baseline, tests, note));
        }
        return new GridTable(plan, rows, groups, missing);

        string Seed(GridRow row) => row.Labels.GetValueOrDefault(plan.SeedAxis, "");
        string BaselineOf(IReadOnlyDictionary<string, string> labels)
        {
            var target = labels.Where(l => l.Key != plan.SeedAxis).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
            foreach (var (k, v) in plan.Baseline) target[k] = v;
            return Key(target);
        }
    }

    /// <summary>"recall@10" → ("recall", 10).</summary>
    public static (string Metric, int K) SplitMetric(string metric)
    {
        var parts = metric.Split('@');
        return (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>points.csv, groups.csv and table.json in <paramref name="folder"/> (default: the grid's folder); returns the folder.</summary>
    public static string Write(GridTable table, string? folder = null)
    {
        folder ??= table.Plan.StateFolder;
        var plan = table.Plan;
        var labels = table.LabelNames;
        var groupLabels = labels.Where(l => l != plan.SeedAxis).ToArray();
        var metrics = plan.Metrics;
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string Csv(string v) => v.IndexOfAny(new[] { ',', '"', '\n' }) < 0 ? v : "\"" + v.Replace("\"", "\"\"") + "\"";

        AtomicFile.WriteAllText(Path.Combine(folder, "points.csv"), w =>
        {
            w.Write(string.Join(',', new[] { "point" }.Concat(labels).Concat(metrics).Append("folder")) + "\n");
            foreach (var r in table.Rows)
                w.Write(string.Join(',', new[] { r.Point.Name }.Concat(labels.Select(l => r.Labels.GetValueOrDefault(l, "")))
                    .Concat(metrics.Select(m => F(r.Test[m]))).Append(r.Point.Folder).Select(Csv)) + "\n");
        });
        AtomicFile.WriteAllText(Path.Combine(folder, "groups.csv"), w =>
        {
            var header = new[] { "group" }.Concat(groupLabels).Append("seeds")
                .Concat(metrics.SelectMany(m => new[] { $"{m}_mean", $"{m}_sd" })).Append("baseline")
                .Concat(metrics.SelectMany(m => new[] { $"{m}_gain", $"{m}_p_t", $"{m}_p_wilcoxon" })).Append("note");
            w.Write(string.Join(',', header) + "\n");
            foreach (var g in table.Groups)
            {
                var cells = new[] { g.Label }.Concat(groupLabels.Select(l => g.Labels.GetValueOrDefault(l, ""))).Append(g.Rows.Count.ToString(CultureInfo.InvariantCulture))
                    .Concat(metrics.SelectMany(m => new[] { F(g.Metrics[m].Mean), F(g.Metrics[m].Sd) }))
                    .Append(g.Baseline ?? "")
                    .Concat(metrics.SelectMany(m => g.Tests.TryGetValue(m, out var t)
                        ? new[] { F(t.RelativeGain), F(t.TTest.PValue), F(t.Wilcoxon.PValue) } : new[] { "", "", "" }))
                    .Append(g.Note ?? "");
                w.Write(string.Join(',', cells.Select(Csv)) + "\n");
            }
        });
        var json = new
        {
            plan = plan.Name, plan_file = plan.File, results = plan.ResultsRoot, seed_axis = plan.SeedAxis, baseline = plan.Baseline, metrics,
            points = table.Rows.Select(r => new { point = r.Point.Name, labels = r.Labels, round = r.Round, users = r.Ranks.Users.Count, test = r.Test, folder = r.Point.Folder }),
            groups = table.Groups.Select(g => new
            {
                group = g.Label, labels = g.Labels, seeds = g.Seeds(plan.SeedAxis),
                mean = g.Metrics.ToDictionary(m => m.Key, m => m.Value.Mean), sd = g.Metrics.ToDictionary(m => m.Key, m => m.Value.Sd),
                baseline = g.Baseline,
                tests = g.Tests.ToDictionary(t => t.Key, t => new
                {
                    users = t.Value.Users, baseline_mean = t.Value.BaselineMean, mean = t.Value.CandidateMean, gain = t.Value.RelativeGain,
                    t = t.Value.TTest.Statistic, p_t = t.Value.TTest.PValue, p_wilcoxon = t.Value.Wilcoxon.PValue,
                }),
                note = g.Note,
            }),
            missing = table.Missing.Select(p => p.Name),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "table.json"), JsonSerializer.Serialize(json, ResultsFolder.Json));
        return folder;
    }
}
