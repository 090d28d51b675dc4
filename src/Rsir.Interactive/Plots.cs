using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Rsir.Analysis;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Training;
using XPlot.Plotly;

namespace Rsir.Interactive;

/// <summary>One line of a line chart. <c>Error</c>: the ± half-width of an error bar per point; <c>Labels</c>: text
/// shown next to each point; <c>Dash</c> ("dash", "dot") and <c>Color</c> override the chart's defaults.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public IReadOnlyList<double>? Error { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public string? Dash { get; init; }
    public string? Color { get; init; }

    public static Series Of(string name, IEnumerable<double> x, IEnumerable<double> y) => new(name, x.ToArray(), y.ToArray());
}

/// <summary>How a chart's x axis is drawn: <c>Auto</c> (whole-number ticks when every x is a whole number),
/// <c>Log</c> (e.g. τ from 1 to 100) or <c>Category</c> (labels in the order given).</summary>
public enum AxisKind { Auto, Log, Category }

/// <summary>
/// Small chart helpers so that notebook cells stay one line: generic line, bar and histogram charts, and the
/// workbench's recurring pictures (training curves, length distributions, the judge's ranks, stop reasons, rounds).
/// Every helper returns an XPlot <see cref="PlotlyChart"/>; the notebook shows it when it is the cell's value.
/// Every chart also carries a text description of its data (<see cref="Describe"/>), which the notebook shows where
/// plotly.js cannot run (GitHub, an untrusted or offline notebook).
/// Conventions: an axis of rounds or epochs has whole-number ticks; a metric axis starts at zero; a test metric carries
/// error bars (95% interval of the mean over users) and, against its baseline, the paired t-test's p.
/// </summary>
public static class Plots
{
    public const int Width = 760, Height = 420;

    /// <summary>plotly's default colours, so that a chart can give related traces the same one.</summary>
    public static readonly IReadOnlyList<string> Colors = new[]
    {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    };

    private static readonly ConditionalWeakTable<PlotlyChart, string> Descriptions = new();

    /// <summary>The chart's description in words and numbers (title, axes, each trace's values); null for a chart
    /// not made by <see cref="Plots"/>.</summary>
    public static string? Describe(PlotlyChart chart) => Descriptions.TryGetValue(chart, out var text) ? text : null;

    // ---- generic -------------------------------------------------------------------------------------------------

    public static PlotlyChart Lines(string title, string xTitle, string yTitle, params Series[] series) =>
        Lines(title, xTitle, yTitle, (IEnumerable<Series>)series);

    /// <summary>One line per series. Lines that coincide stay visible: each later line is drawn thinner, with a
    /// smaller marker, on top of the earlier ones.</summary>
    public static PlotlyChart Lines(string title, string xTitle, string yTitle, IEnumerable<Series> series, bool markers = true,
        AxisKind xAxis = AxisKind.Auto, bool yFromZero = false) =>
        LineChart(title, xTitle, yTitle, series.ToArray(), markers, xAxis, yFromZero, null);

    private static PlotlyChart LineChart(string title, string xTitle, string yTitle, Series[] all, bool markers,
        AxisKind xAxis, bool yFromZero, Action<Layout.Layout>? configure)
    {
        var traces = all.Select((s, i) =>
        {
            string color = s.Color ?? Colors[i % Colors.Count];
            var trace = new Scatter
            {
                name = s.Name, x = s.X.ToArray(), y = s.Y.ToArray(),
                mode = (markers ? "lines+markers" : "lines") + (s.Labels is null ? "" : "+text"),
                line = new Line { width = Math.Max(1.5, 4.5 - 1.5 * i), dash = s.Dash ?? "solid", color = color },
                marker = new Marker { size = Math.Max(5, 11 - 2 * i), color = color },
            };
            if (s.Labels is not null) { trace.text = s.Labels.ToArray(); trace.textposition = i % 2 == 0 ? "top center" : "bottom center"; }
            if (s.Error is not null) trace.error_y = ErrorBars(s.Error, color);
            return (Trace)trace;
        }).ToArray();
        var description = DescribeData(title, xTitle, yTitle, all.Select(s => (s.Name, Points(s.X, s.Y, s.Error))));
        return Plot(traces, title, xTitle, yTitle, description, AxisFor(xAxis, all.SelectMany(s => s.X)), yFromZero, configure);
    }

    /// <summary>Grouped bars: one bar per category for each group.</summary>
    public static PlotlyChart Bars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
        params (string Name, IEnumerable<double> Values)[] groups) =>
        BarChart(title, xTitle, yTitle, categories, "group", groups.Select(g => (g.Name, g.Values.ToArray(), (double[]?)null)).ToArray());

    /// <summary>Stacked bars: each category's bar split into the groups.</summary>
    public static PlotlyChart StackedBars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
        params (string Name, IEnumerable<double> Values)[] groups) =>
        BarChart(title, xTitle, yTitle, categories, "stack", groups.Select(g => (g.Name, g.Values.ToArray(), (double[]?)null)).ToArray());

    /// <summary>A histogram of raw values with about <paramref name="bins"/> bins.</summary>
    public static PlotlyChart Histogram(string title, string xTitle, IEnumerable<double> values, int bins = 30, string name = "")
    {
        var v = values.ToArray();
        var trace = new Histogram { name = name, x = v, nbinsx = bins };
        string summary = v.Length == 0 ? "no values" : $"{v.Length:N0} values from {Formatters.Cell(v.Min())} to {Formatters.Cell(v.Max())}, " +
            $"median {Formatters.Cell(v.Order().ElementAt(v.Length / 2))}";
        return Plot(new Trace[] { trace }, title, xTitle, "count", DescribeData(title, xTitle, "count", new[] { (name, summary) }), null, false);
    }

    /// <summary>
    /// Test metrics of several models side by side, one group of bars per metric: each bar is the mean over users with a
    /// 95% error bar, and every model after the first is labelled with its relative change against the first and the
    /// paired t-test's p (per-user values, same users).
    /// </summary>
    public static PlotlyChart TestMetrics(string title, IReadOnlyList<(string Name, EvaluationResult Result)> models, params string[] metrics)
    {
        if (metrics.Length == 0) metrics = new[] { "ndcg@20", "recall@20" };
        var split = metrics.Select(GridCollect.SplitMetric).ToArray();
        // Each model's label carries its change against the first model and the paired p, one line per metric.
        // Kept horizontal (BarChart), so the metric gets a line of its own to keep each line narrow.
        var categories = models.Select((m, i) => i == 0 ? m.Name : m.Name + string.Concat(split.Select((s, j) =>
            $"<br>{(metrics.Length > 1 ? metrics[j] + "<br>" : "")}{GainAndP(Significance.Compare(models[0].Result, m.Result, s.Metric, s.K))}")))
            .ToArray();
        var groups = split.Select((s, j) =>
        {
            var values = models.Select(m => m.Result.PerUser(s.Metric, s.K)).ToArray();
            return (metrics[j], values.Select(v => v.Average()).ToArray(), (double[]?)values.Select(HalfWidth95).ToArray());
        }).ToArray();
        return BarChart(title + $" (bars: mean ± 95% interval over users; under each model: change against {models[0].Name}, paired p)",
            "", "test metric", categories, "group", groups, bottomLines: 1 + metrics.Length * (metrics.Length > 1 ? 2 : 1));
    }

    // ---- the workbench's pictures -------------------------------------------------------------------------------

    /// <summary>Training loss per epoch, one line per run.</summary>
    public static PlotlyChart Loss(params (string Name, TrainingResult Result)[] runs) =>
        Lines("Training loss per epoch", "epoch", "loss (mean per position)",
            runs.Select(r => Series.Of(r.Name, r.Result.Epochs.Select(e => (double)e.Epoch), r.Result.Epochs.Select(e => e.Loss))));

    /// <summary>The validation metric that drives early stopping (NDCG@20 by default), per epoch, one line per run.</summary>
    public static PlotlyChart Validation(params (string Name, TrainingResult Result)[] runs) =>
        Validation("ndcg@20", runs);

    /// <summary>A validation metric (e.g. "recall@10") per epoch, one line per run; with <paramref name="chance"/>, a
    /// dotted line at what a random ranking scores.</summary>
    public static PlotlyChart Validation(string metric, (string Name, TrainingResult Result)[] runs, double? chance = null)
    {
        var series = runs.Select(r => Series.Of(r.Name, r.Result.Epochs.Select(e => (double)e.Epoch),
            r.Result.Epochs.Select(e => e.Validation.TryGetValue(metric, out var v) ? v : double.NaN))).ToList();
        if (chance is double c && runs.Length > 0)
        {
            var epochs = runs.SelectMany(r => r.Result.Epochs.Select(e => (double)e.Epoch)).ToArray();
            series.Add(Series.Of("random ranking", new[] { epochs.Min(), epochs.Max() }, new[] { c, c }) with { Dash = "dot", Color = "#7f7f7f" });
        }
        return Lines($"Validation {metric} per epoch", "epoch", metric, series, yFromZero: true);
    }

    /// <summary>Share of users per sequence-length bin, one group of bars per dataset; the bins are categories in
    /// their order (single lengths and ranges alike), and bins no dataset has a user in are left out.</summary>
    public static PlotlyChart LengthDistribution(IEnumerable<DatasetStatistics> datasets)
    {
        var all = datasets.ToArray();
        var labels = all.SelectMany(d => d.LengthHistogram).OrderBy(b => b.MinLength).Select(b => b.Label).Distinct()
            .Where(label => all.Any(d => d.LengthHistogram.Any(b => b.Label == label && b.Users > 0))).ToArray();   // no empty bins
        var groups = all.Select(d => (d.Name, labels.Select(label =>
        {
            var bin = d.LengthHistogram.FirstOrDefault(b => b.Label == label);
            return bin is null ? 0.0 : (double)bin.Users / d.Users;
        }))).ToArray();
        return Bars("Sequence lengths: share of users per length bin", "items in the user's sequence", "share of users",
            labels, groups);
    }

    /// <summary>
    /// Where the judge found each judged step's best unused real item: counts by rank 1..<paramref name="maxRank"/>,
    /// passes (rank ≤ τ) and stops (rank &gt; τ) in two colours; ranks beyond maxRank are counted in the title.
    /// </summary>
    public static PlotlyChart JudgeRanks(JudgeRecord judge, int maxRank = 100)
    {
        int top = Math.Min(maxRank, Math.Max(1, judge.RankHistogram.Length - 1));
        var ranks = Enumerable.Range(1, top).ToArray();
        double Count(int r) => r < judge.RankHistogram.Length ? judge.RankHistogram[r] : 0;
        bool Passes(int r) => r <= judge.Tau;
        long beyond = judge.RankHistogram.Skip(top + 1).Sum();
        string tau = double.IsPositiveInfinity(judge.Tau) ? "∞ (judge off)" : judge.Tau.ToString("0");
        var pass = ranks.Select(r => Passes(r) ? Count(r) : 0).ToArray();
        var stop = ranks.Select(r => Passes(r) ? 0 : Count(r)).ToArray();
        var traces = new Trace[]
        {
            new Bar { name = "rank ≤ τ: passes", x = ranks, y = pass },
            new Bar { name = "rank > τ: stops (T2)", x = ranks, y = stop },
        };
        string title = $"Judge: rank of the best unused real item (τ = {tau}; {beyond:N0} steps beyond rank {top})";
        var description = DescribeData(title, "rank in the whole catalogue", "judged steps", new[]
        {
            ("passes", $"{pass.Sum():N0} steps at ranks 1–{Math.Min(top, (int)Math.Min(judge.Tau, top))}"),
            ("stops", $"{stop.Sum():N0} steps at ranks up to {top}, {beyond:N0} beyond"),
        });
        return Plot(traces, title, "rank in the whole catalogue", "judged steps", description, AxisFor(AxisKind.Auto, ranks.Select(r => (double)r)),
            false, layout => layout.barmode = "stack");
    }

    /// <summary>Why the kept synthetic sequences stopped (T1–T4), one group of bars per run.</summary>
    public static PlotlyChart StopReasons(params (string Name, RoundStatistics Statistics)[] runs)
    {
        var reasons = Enum.GetValues<StopReason>();
        var labels = reasons.Select(r => $"{r.Code()} {r}").ToArray();
        var groups = runs.Select(r => (r.Name, reasons.Select(reason =>
            (double)r.Statistics.StopReasonsKept.GetValueOrDefault(reason)))).ToArray();
        return Bars("Why synthetic sequences stopped (kept sequences)", "stop reason", "sequences", labels, groups);
    }

    /// <summary>Lengths of the kept synthetic sequences, one line per run.</summary>
    public static PlotlyChart SyntheticLengths(params (string Name, RoundStatistics Statistics)[] runs) =>
        Lines("Lengths of the kept synthetic sequences", "length (items, prefix included)", "sequences",
            runs.Select(r => Series.Of(r.Name, r.Statistics.LengthHistogram.Keys.Select(k => (double)k),
                r.Statistics.LengthHistogram.Values.Select(v => (double)v))));

    /// <summary>The share of the kept synthetic sequences' items that are the user's own real items, and the share
    /// new to the user, one stacked bar per run (the runs differ in how many items they wrote; the shares compare).</summary>
    public static PlotlyChart OwnVersusNew(params (string Name, RoundStatistics Statistics)[] runs)
    {
        double Share(long part, RoundStatistics s) => s.ItemsFromHistory + s.ItemsNewToUser == 0 ? 0
            : (double)part / (s.ItemsFromHistory + s.ItemsNewToUser);
        return StackedBars("Synthetic items: the user's own versus new to the user (share of each run's items)", "run", "share of items",
            runs.Select(r => $"{r.Name} ({r.Statistics.ItemsFromHistory + r.Statistics.ItemsNewToUser:N0} items)").ToArray(),
            ("own real items", runs.Select(r => Share(r.Statistics.ItemsFromHistory, r.Statistics))),
            ("new to the user", runs.Select(r => Share(r.Statistics.ItemsNewToUser, r.Statistics))));
    }

    /// <summary>A test metric (e.g. "ndcg@20") per round, one line per loop, on an axis from zero; with the loop's
    /// per-user test ranks, 95% error bars and each round's paired t-test p against the loop's round 0.</summary>
    public static PlotlyChart Rounds(string metric, params (string Name, RsirLoopResult Result)[] loops)
    {
        var (name, k) = GridCollect.SplitMetric(metric);
        var series = loops.Select(l =>
        {
            var rounds = l.Result.Rounds;
            var s = Series.Of(l.Name, rounds.Select(r => (double)r.Round), rounds.Select(r => r.Test.TryGetValue(metric, out var v) ? v : double.NaN));
            var ranks = l.Result.TestResults;
            if (ranks.Count != rounds.Count || ranks.Count == 0) return s;
            return s with
            {
                Error = ranks.Select(r => HalfWidth95(r.PerUser(name, k))).ToArray(),
                Labels = ranks.Select((r, i) => i == 0 ? "" : "p " + Formatters.PValue(Significance.Compare(ranks[0], r, name, k).TTest.PValue)).ToArray(),
            };
        }).ToArray();
        bool tested = series.Any(s => s.Error is not null);
        return Lines($"Test {metric} per round" + (tested ? " (± 95% interval over users; p: paired t-test against round 0)" : ""),
            "round k (0 = base model on real data)", metric, series, yFromZero: true);
    }

    /// <summary>Training-set density (interactions / (rows × items)) and size per round, one line per loop.</summary>
    public static PlotlyChart Density(params (string Name, RsirLoopResult Result)[] loops) =>
        Lines("Training-set density per round", "round k", "interactions / (rows × items)",
            loops.Select(l => Series.Of(l.Name, l.Result.Rounds.Select(r => (double)r.Round), l.Result.Rounds.Select(r => r.Density))), yFromZero: true);

    /// <summary>The error recurrence per transition k → k+1: measured E_{k+1} (solid) against the bound's right-hand
    /// side (dashed, same colour), one colour per run (e.g. judged and unjudged).</summary>
    public static PlotlyChart Recurrence(params (string Name, ErrorRecurrenceTable Table)[] runs)
    {
        var series = runs.SelectMany((r, i) =>
        {
            var x = r.Table.Rows.Select(row => (double)row.Round + 1).ToArray();
            return new[]
            {
                new Series($"{r.Name}: measured E_k+1", x, r.Table.Rows.Select(row => row.NextError).ToArray()) { Color = Colors[i % Colors.Count] },
                new Series($"{r.Name}: bound", x, r.Table.Rows.Select(row => row.Bound).ToArray()) { Color = Colors[i % Colors.Count], Dash = "dash" },
            };
        });
        return Lines("Error recurrence: measured E_k+1 (solid) against the bound (dashed)", "round k+1",
            "E = 1 − validation Recall@20", series);
    }

    /// <summary>A data measure per round (ApEn, density, …) for several growth schemes, e.g. RSIR against insertion.</summary>
    public static PlotlyChart DataByRound(string title, string yTitle, Func<RoundDataReport, double> measure,
        params (string Name, IReadOnlyList<RoundDataReport> Reports)[] runs) =>
        Lines(title, "round k", yTitle, runs.Select(r => Series.Of(r.Name, r.Reports.Select(x => (double)x.Round), r.Reports.Select(measure))));

    /// <summary>A sweep: the last round's test metric minus the base model's, per value of the swept setting (τ on a
    /// log axis; ∞ drawn one step past the largest value and labelled ∞).</summary>
    public static PlotlyChart Sweep(SweepResult sweep, params string[] metrics)
    {
        var values = sweep.Points.Select(p => p.Value).ToArray();
        var finite = values.Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var x = values.Select(v => double.IsPositiveInfinity(v) ? finite * 2 : v).ToArray();
        string name = sweep.Options.Parameter.ToString().ToLowerInvariant();
        bool log = sweep.Options.Parameter == SweepParameter.Tau && x.All(v => v > 0);
        var series = (metrics.Length == 0 ? new[] { "ndcg@20", "recall@20" } : metrics).Select(m => Series.Of($"Δ {m}", x,
            sweep.Points.Select(p => p.Final.Test.GetValueOrDefault(m, double.NaN) - sweep.Base.Test.GetValueOrDefault(m, double.NaN))));
        var ticks = values.Select(v => double.IsPositiveInfinity(v) ? "∞" : Formatters.Cell(v)).ToArray();
        return LineChart($"Sensitivity to {name}: test metric after one RSIR round minus the base model's (one run per value)",
            name + (log ? " (log scale)" : ""), "Δ against f_0", series.ToArray(), true, log ? AxisKind.Log : AxisKind.Auto, false,
            layout => { layout.xaxis.tickvals = x; layout.xaxis.ticktext = ticks; });
    }

    /// <summary>
    /// The paper's Table 2 beside ours, per round: the paper's judged and unjudged rounds (solid) and ours (dashed, same
    /// colour; error bars: sd over seeds where there are several), on one metric (recall@10 or ndcg@10). Rounds we have
    /// not run are left out of our lines.
    /// </summary>
    public static PlotlyChart PaperTable2(PaperComparison comparison, string metric = "recall@10")
    {
        var paperBase = PaperNumbers.Table2Row(0, true).Metric(metric);
        var ours = comparison.Section(PaperComparison.Table2).Where(r => r.Paper.Metric == metric).ToArray();
        var ourBase = ours.FirstOrDefault(r => r.Paper.Reference is null)?.Ours;
        Series Paper(bool judged, int color) => new Series($"paper, {(judged ? "judged" : "no judge")}",
            new[] { 0.0, 1, 2, 3 }, new[] { paperBase }.Concat(new[] { 1, 2, 3 }.Select(k => PaperNumbers.Table2Row(k, judged).Metric(metric))).ToArray())
            { Color = Colors[color] };
        Series Ours(bool judged, int color)
        {
            var points = new List<(double Round, MeanSd Value)>();
            if (ourBase is not null) points.Add((0, ourBase.Value));
            foreach (int k in new[] { 1, 2, 3 })
            {
                var setting = PaperNumbers.Table2Row(k, judged).Setting;
                if (ours.FirstOrDefault(r => r.Paper.What == setting)?.Ours is { } o) points.Add((k, o.Value));
            }
            return new Series($"ours, {(judged ? "judged" : "no judge")} (mean over seeds)", points.Select(p => p.Round).ToArray(),
                points.Select(p => p.Value.Mean).ToArray())
            {
                Color = Colors[color], Dash = "dash",
                Error = points.Select(p => p.Value.Count > 1 ? p.Value.Sd : 0).ToArray(),
                Labels = points.Select(p => p.Value.Count > 1 ? $"n={p.Value.Count}" : "").ToArray(),
            };
        }
        return Lines($"Table 2 (Sports, SASRec), test {metric} per round: the paper (solid) and ours (dashed)",
            "RSIR round (0 = base model)", metric, new[] { Paper(true, 0), Ours(true, 0), Paper(false, 1), Ours(false, 1) }, yFromZero: true);
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------

    /// <summary>The half-width of a normal 95% interval of the mean of <paramref name="values"/> (1.96 standard errors).</summary>
    public static double HalfWidth95(IReadOnlyList<double> values)
    {
        var spread = Significance.MeanAndSd(values);
        return spread.Count < 2 ? 0 : 1.96 * spread.Sd / Math.Sqrt(spread.Count);
    }

    private static string GainAndP(PairedComparison c) =>
        $"{(c.RelativeGain >= 0 ? "+" : "")}{c.RelativeGain * 100:0.#}%, p {Formatters.PValue(c.TTest.PValue)}";

    private static PlotlyChart BarChart(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, string mode,
        (string Name, double[] Values, double[]? Errors)[] groups, int bottomLines = 1)
    {
        var traces = groups.Select((g, i) => (Trace)new Bar
        {
            name = g.Name, x = categories.ToArray(), y = g.Values,
            marker = new Marker { color = Colors[i % Colors.Count] },
        }).ToArray();
        for (int i = 0; i < groups.Length; i++)
            if (groups[i].Errors is { } errors) ((Bar)traces[i]).error_y = ErrorBars(errors, "#444");
        var description = DescribeData(title, xTitle, yTitle, groups.Select(g => (g.Name,
            string.Join("; ", categories.Select((c, j) => $"{c.Replace("<br>", ", ")}: {Formatters.Cell(g.Values[j])}" +
                (g.Errors is null ? "" : $" ± {Formatters.Cell(g.Errors[j])}"))))));
        return Plot(traces, title, xTitle, yTitle, description, AxisFor(AxisKind.Category, Array.Empty<double>()), false,
            layout =>
            {
                layout.barmode = mode;
                if (bottomLines > 1)
                {
                    // Multi-line labels stay horizontal: plotly's automatic rotation pushes them below the margin.
                    layout.xaxis.tickangle = 0;
                    layout.margin.b = 40 + 16 * bottomLines;
                    layout.height = Height + 16 * bottomLines;
                }
            });
    }

    private static Error_y ErrorBars(IReadOnlyList<double> halfWidths, string color) =>
        new() { type = "data", array = halfWidths.ToArray(), visible = true, thickness = 1.2, width = 4, color = color };

    /// <summary>Breaks a long title into lines of at most about 75 characters (plotly does not wrap titles).</summary>
    private static string[] TitleLines(string title)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in title.Split(' '))
        {
            if (line.Length > 0 && line.Length + word.Length > 75) { lines.Add(line.ToString()); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        lines.Add(line.ToString());
        return lines.ToArray();
    }

    private static Xaxis AxisFor(AxisKind kind, IEnumerable<double> x)
    {
        var axis = new Xaxis();
        switch (kind)
        {
            case AxisKind.Log: axis.type = "log"; break;
            case AxisKind.Category: axis.type = "category"; break;
            default:
                var values = x.Where(double.IsFinite).ToArray();
                if (values.Length > 0 && values.All(v => v == Math.Round(v)))
                {
                    double span = values.Max() - values.Min();
                    axis.dtick = Math.Max(1, Math.Ceiling(span / 10));   // whole-number ticks: no "0.5" on a round axis
                    axis.tickformat = "d";
                }
                break;
        }
        return axis;
    }

    private static string Points(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double>? error)
    {
        string Point(int i) => $"{Formatters.Cell(x[i])}: {Formatters.Cell(y[i])}" + (error is null || error[i] == 0 ? "" : $" ± {Formatters.Cell(error[i])}");
        if (x.Count <= 12) return string.Join(", ", Enumerable.Range(0, x.Count).Select(Point));
        var finite = Enumerable.Range(0, y.Count).Where(i => double.IsFinite(y[i])).ToArray();
        if (finite.Length == 0) return $"{x.Count} points, none finite";
        int low = finite.MinBy(i => y[i]), high = finite.MaxBy(i => y[i]);
        return $"{x.Count} points; first {Point(0)}, last {Point(x.Count - 1)}; lowest {Point(low)}, highest {Point(high)}";
    }

    private static string DescribeData(string title, string xTitle, string yTitle, IEnumerable<(string Name, string Values)> traces)
    {
        var text = new StringBuilder($"Chart: {title}." + (xTitle.Length > 0 ? $" x: {xTitle};" : "") + $" y: {yTitle}.");
        foreach (var (name, values) in traces)
            text.Append('\n').Append(string.IsNullOrEmpty(name) ? "" : name + " — ").Append(values);
        return text.ToString();
    }

    private static PlotlyChart Plot(IEnumerable<Trace> traces, string title, string xTitle, string yTitle, string description,
        Xaxis? xaxis, bool yFromZero, Action<Layout.Layout>? configure = null)
    {
        xaxis ??= new Xaxis();
        xaxis.title = xTitle;
        var yaxis = new Yaxis { title = yTitle };
        if (yFromZero) yaxis.rangemode = "tozero";
        var lines = TitleLines(title);
        var layout = new Layout.Layout
        {
            title = string.Join("<br>", lines),
            xaxis = xaxis,
            yaxis = yaxis,
            width = Width,
            height = Height,
            titlefont = new Font { size = lines.Length > 1 ? 14 : 16 },
            margin = new Margin { t = 40 + 20 * lines.Length, l = 70, r = 30, b = 60 },
        };
        configure?.Invoke(layout);
        var chart = Chart.Plot(traces.ToArray(), layout);
        chart.WithWidth(Width);
        chart.WithHeight((int)layout.height);
        Descriptions.AddOrUpdate(chart, description);
        return chart;
    }
}
