using Rsir.Analysis;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Training;
using XPlot.Plotly;

namespace Rsir.Interactive;

/// <summary>One line of a line chart.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public static Series Of(string name, IEnumerable<double> x, IEnumerable<double> y) => new(name, x.ToArray(), y.ToArray());
}

/// <summary>
/// Small chart helpers so that notebook cells stay one line: generic line, bar and histogram charts, and the
/// workbench's recurring pictures (training curves, length distributions, the judge's ranks, stop reasons, rounds).
/// Every helper returns an XPlot <see cref="PlotlyChart"/>; the notebook shows it when it is the cell's value.
/// </summary>
public static class Plots
{
    public const int Width = 760, Height = 420;

    // ---- generic -------------------------------------------------------------------------------------------------

    public static PlotlyChart Lines(string title, string xTitle, string yTitle, params Series[] series) =>
        Lines(title, xTitle, yTitle, (IEnumerable<Series>)series);

    public static PlotlyChart Lines(string title, string xTitle, string yTitle, IEnumerable<Series> series, bool markers = true)
    {
        var traces = series.Select(s => new Scatter
        {
            name = s.Name, x = s.X.ToArray(), y = s.Y.ToArray(), mode = markers ? "lines+markers" : "lines",
        });
        return Plot(traces, title, xTitle, yTitle);
    }

    /// <summary>Grouped bars: one bar per category for each group.</summary>
    public static PlotlyChart Bars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
        params (string Name, IEnumerable<double> Values)[] groups)
    {
        var traces = groups.Select(g => new Bar { name = g.Name, x = categories.ToArray(), y = g.Values.ToArray() });
        return Plot(traces, title, xTitle, yTitle, layout => layout.barmode = "group");
    }

    /// <summary>Stacked bars: each category's bar split into the groups.</summary>
    public static PlotlyChart StackedBars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
        params (string Name, IEnumerable<double> Values)[] groups)
    {
        var traces = groups.Select(g => new Bar { name = g.Name, x = categories.ToArray(), y = g.Values.ToArray() });
        return Plot(traces, title, xTitle, yTitle, layout => layout.barmode = "stack");
    }

    /// <summary>A histogram of raw values with about <paramref name="bins"/> bins.</summary>
    public static PlotlyChart Histogram(string title, string xTitle, IEnumerable<double> values, int bins = 30, string name = "")
    {
        var trace = new Histogram { name = name, x = values.ToArray(), nbinsx = bins };
        return Plot(new Trace[] { trace }, title, xTitle, "count");
    }

    // ---- the workbench's pictures -------------------------------------------------------------------------------

    /// <summary>Training loss per epoch, one line per run.</summary>
    public static PlotlyChart Loss(params (string Name, TrainingResult Result)[] runs) =>
        Lines("Training loss per epoch", "epoch", "loss (mean per position)",
            runs.Select(r => Series.Of(r.Name, r.Result.Epochs.Select(e => (double)e.Epoch), r.Result.Epochs.Select(e => e.Loss))));

    /// <summary>The validation metric that drives early stopping (NDCG@20 by default), per epoch, one line per run.</summary>
    public static PlotlyChart Validation(params (string Name, TrainingResult Result)[] runs) =>
        Validation("ndcg@20", runs);

    /// <summary>A validation metric (e.g. "recall@10") per epoch, one line per run.</summary>
    public static PlotlyChart Validation(string metric, params (string Name, TrainingResult Result)[] runs) =>
        Lines($"Validation {metric} per epoch", "epoch", metric,
            runs.Select(r => Series.Of(r.Name, r.Result.Epochs.Select(e => (double)e.Epoch),
                r.Result.Epochs.Select(e => e.Validation.TryGetValue(metric, out var v) ? v : double.NaN))));

    /// <summary>Share of users per sequence-length bin, one group of bars per dataset.</summary>
    public static PlotlyChart LengthDistribution(IEnumerable<DatasetStatistics> datasets)
    {
        var all = datasets.ToArray();
        var labels = all.SelectMany(d => d.LengthHistogram).Select(b => b.Label).Distinct().ToArray();
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
        var traces = new Trace[]
        {
            new Bar { name = "rank ≤ τ: passes", x = ranks, y = ranks.Select(r => Passes(r) ? Count(r) : 0).ToArray() },
            new Bar { name = "rank > τ: stops (T2)", x = ranks, y = ranks.Select(r => Passes(r) ? 0 : Count(r)).ToArray() },
        };
        return Plot(traces, $"Judge: rank of the best unused real item (τ = {tau}; {beyond:N0} steps beyond rank {top})",
            "rank in the whole catalogue", "judged steps", layout => layout.barmode = "stack");
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

    /// <summary>Items of the kept synthetic sequences that are the user's own real items versus new to the user.</summary>
    public static PlotlyChart OwnVersusNew(params (string Name, RoundStatistics Statistics)[] runs) =>
        StackedBars("Synthetic items: the user's own versus new to the user", "run", "items",
            runs.Select(r => r.Name).ToArray(),
            ("own real items", runs.Select(r => (double)r.Statistics.ItemsFromHistory)),
            ("new to the user", runs.Select(r => (double)r.Statistics.ItemsNewToUser)));

    /// <summary>A test metric (e.g. "ndcg@20") per round, one line per loop.</summary>
    public static PlotlyChart Rounds(string metric, params (string Name, RsirLoopResult Result)[] loops) =>
        Lines($"Test {metric} per round", "round k (0 = base model on real data)", metric,
            loops.Select(l => Series.Of(l.Name, l.Result.Rounds.Select(r => (double)r.Round),
                l.Result.Rounds.Select(r => r.Test.TryGetValue(metric, out var v) ? v : double.NaN))));

    /// <summary>Training-set density (interactions / (rows × items)) and size per round, one line per loop.</summary>
    public static PlotlyChart Density(params (string Name, RsirLoopResult Result)[] loops) =>
        Lines("Training-set density per round", "round k", "interactions / (rows × items)",
            loops.Select(l => Series.Of(l.Name, l.Result.Rounds.Select(r => (double)r.Round), l.Result.Rounds.Select(r => r.Density))));

    /// <summary>The error recurrence per transition k → k+1: measured E_{k+1} (solid) against the bound's right-hand
    /// side (dotted), one pair of lines per run (e.g. judged and unjudged).</summary>
    public static PlotlyChart Recurrence(params (string Name, ErrorRecurrenceTable Table)[] runs)
    {
        var traces = runs.SelectMany(r => new[]
        {
            new Scatter { name = $"{r.Name}: measured E_k+1", x = r.Table.Rows.Select(x => (double)x.Round + 1).ToArray(),
                y = r.Table.Rows.Select(x => x.NextError).ToArray(), mode = "lines+markers" },
            new Scatter { name = $"{r.Name}: bound", x = r.Table.Rows.Select(x => (double)x.Round + 1).ToArray(),
                y = r.Table.Rows.Select(x => x.Bound).ToArray(), mode = "lines+markers", line = new Line { dash = "dot" } },
        });
        return Plot(traces, "Error recurrence: measured E_k+1 against (1−λ)E_0 + λ[(1−p̃)ρE_k + p̃E_max]", "round k+1",
            "E = 1 − validation Recall@20");
    }

    /// <summary>A data measure per round (ApEn, density, …) for several growth schemes, e.g. RSIR against insertion.</summary>
    public static PlotlyChart DataByRound(string title, string yTitle, Func<RoundDataReport, double> measure,
        params (string Name, IReadOnlyList<RoundDataReport> Reports)[] runs) =>
        Lines(title, "round k", yTitle, runs.Select(r => Series.Of(r.Name, r.Reports.Select(x => (double)x.Round), r.Reports.Select(measure))));

    /// <summary>A sweep: the last round's test metric minus the base model's, per value of the swept setting.</summary>
    public static PlotlyChart Sweep(SweepResult sweep, params string[] metrics)
    {
        var values = sweep.Points.Select(p => p.Value).ToArray();
        var finite = values.Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var x = values.Select(v => double.IsPositiveInfinity(v) ? finite * 2 : v).ToArray();   // ∞ drawn one step past the largest value
        string name = sweep.Options.Parameter.ToString().ToLowerInvariant();
        var series = (metrics.Length == 0 ? new[] { "ndcg@20", "recall@20" } : metrics).Select(m => Series.Of($"Δ {m}", x,
            sweep.Points.Select(p => p.Final.Test.GetValueOrDefault(m, double.NaN) - sweep.Base.Test.GetValueOrDefault(m, double.NaN))));
        return Lines($"Sensitivity to {name}: test metric after RSIR minus the base model's", name, "Δ against f_0", series);
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------

    private static PlotlyChart Plot(IEnumerable<Trace> traces, string title, string xTitle, string yTitle,
        Action<Layout.Layout>? configure = null)
    {
        var layout = new Layout.Layout
        {
            title = title,
            xaxis = new Xaxis { title = xTitle },
            yaxis = new Yaxis { title = yTitle },
            width = Width,
            height = Height,
        };
        configure?.Invoke(layout);
        var chart = Chart.Plot(traces.ToArray(), layout);
        chart.WithWidth(Width);
        chart.WithHeight(Height);
        return chart;
    }
}
