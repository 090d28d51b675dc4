using System.CommandLine;
using Rsir.Analysis;
using Rsir.Experiments;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary>
/// <c>rsir analyze --run FOLDER</c>: density and approximate entropy of every round's training set, and the paired
/// significance of each round's test results against round 0; with <c>--compare FOLDER2</c>, of the run against another.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var run = new Option<DirectoryInfo>("--run") { Description = "A finished (or partly finished) rsir loop folder", Required = true };
        var compare = new Option<DirectoryInfo?>("--compare") { Description = "Another loop or train folder: paired test of --run (candidate) against it (baseline)" };
        var round = new Option<int?>("--round") { Description = "Round of --run compared with --compare (default: its last)" };
        var compareRound = new Option<int?>("--compare-round") { Description = "Round of --compare when it is a loop folder (default: its last)" };
        var metric = new Option<string>("--metric") { Description = "ndcg | recall", DefaultValueFactory = _ => "ndcg" };
        var k = new Option<int>("--k") { Description = "Cutoff of the compared metric", DefaultValueFactory = _ => 10 };
        var m = new Option<int>("--apen-m") { Description = "ApEn embedding dimension", DefaultValueFactory = _ => 2 };
        var r = new Option<double>("--apen-r") { Description = "ApEn tolerance on item ids (0 = exact matching)", DefaultValueFactory = _ => 0 };
        var insert = new Option<bool>("--insert-baseline") { Description = "Also grow D_0 by naive insertion, as many rows per round as RSIR added, and report its density and ApEn" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results as the last line" };
        var command = new Command("analyze", "Density and ApEn per round of a loop folder; paired significance of rounds or of two runs.");
        foreach (var option in new Option[] { run, compare, round, compareRound, metric, k, m, r, insert, json }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var loop = LoopFolder.Open(parse.GetValue(run)!.FullName);
            var apen = new ApEnOptions { M = parse.GetValue(m), R = parse.GetValue(r) }.Validate();
            string metricName = parse.GetValue(metric)!.ToLowerInvariant();
            int cutoff = parse.GetValue(k);
            if (metricName is not ("ndcg" or "recall")) throw new ArgumentException($"--metric must be ndcg or recall; got '{metricName}'.");

            var console = CliRunner.Progress;
            var initial = loop.LoadInitialData().Dataset;
            var data = LoopReport.DataByRound(loop, initial, apen);
            var dataTable = new Table().AddColumns("round", "rows", "synthetic", "added", "density", "ApEn", "ApEn real", "ApEn synthetic", "ApEn added", $"{metricName}@{cutoff}");
            foreach (var d in data)
                dataTable.AddRow($"{d.Round}", $"{d.TrainRows:N0}", $"{d.SyntheticRows:N0}", $"{d.AddedRows:N0}", $"{d.Density:E3}", $"{d.ApEn:F4}",
                    $"{d.ApEnReal:F4}", Number(d.ApEnSynthetic), Number(d.ApEnAdded), Number(d.Test.GetValueOrDefault($"{metricName}@{cutoff}", double.NaN)));
            console.MarkupLineInterpolated($"[bold]rsir analyze[/] {loop.Path}: rounds 0..{loop.LastRound}");
            console.Write(dataTable);
            console.WriteLine($"density = training interactions / (rows × items); ApEn m = {apen.M}, r = {apen.R} (Chebyshev on item ids), sequences shorter than m + 1 count as {apen.ShortSequences}.");

            IReadOnlyList<RoundDataReport>? inserted = null;
            if (parse.GetValue(insert))
            {
                inserted = LoopReport.InsertGrowth(loop, initial, apen);
                var growth = new Table().AddColumns("round", "rows", "RSIR density", "Insert density", "RSIR ApEn", "Insert ApEn", "RSIR ApEn added", "Insert ApEn added");
                foreach (var (d, i) in data.Zip(inserted))
                    growth.AddRow($"{d.Round}", $"{d.TrainRows:N0}", $"{d.Density:E3}", $"{i.Density:E3}", $"{d.ApEn:F4}", $"{i.ApEn:F4}",
                        Number(d.ApEnAdded), Number(i.ApEnAdded));
                console.MarkupLine("[bold]RSIR vs naive insertion at matched growth[/] (each Insert round adds as many rows as the RSIR round did: Insert copies, rate 0.4, of rows drawn from the previous set)");
                console.Write(growth);
            }

            var rounds = LoopReport.RoundsAgainstBase(loop, metricName, cutoff);
            var significance = new Table().AddColumns("comparison", "users", "baseline", "candidate", "Δ", "t", "p (t)", "W+", "p (Wilcoxon)");
            foreach (var (k2, c) in rounds) AddRow(significance, $"round {k2} vs round 0", c);

            object? other = null;
            if (parse.GetValue(compare) is { } against)
            {
                var (candidate, candidateLabel) = LoopFolder.ReadTestRanksOfRun(loop.Path, parse.GetValue(round));
                var (baseline, baselineLabel) = LoopFolder.ReadTestRanksOfRun(against.FullName, parse.GetValue(compareRound));
                var c = Significance.Compare(baseline, candidate, metricName, cutoff);
                AddRow(significance, $"{candidateLabel} vs {baselineLabel}", c);
                other = new { candidate = candidateLabel, baseline = baselineLabel, comparison = Json(c) };
            }
            if (significance.Rows.Count > 0)
            {
                console.Write(significance);
                console.WriteLine("Paired over users, Δ = candidate − baseline; two-sided paired t-test and Wilcoxon signed-rank (normal approximation, tie and continuity corrections, zero differences dropped).");
            }

            CliRunner.Emit(parse.GetValue(json), new
            {
                command = "analyze",
                run = loop.Path,
                apen = new { m = apen.M, r = apen.R, short_sequences = apen.ShortSequences.ToString() },
                rounds = data.Select(d => new
                {
                    round = d.Round, train_rows = d.TrainRows, synthetic_rows = d.SyntheticRows, added_rows = d.AddedRows,
                    density = d.Density, apen = d.ApEn, apen_real = d.ApEnReal, apen_synthetic = d.ApEnSynthetic,
                    apen_added = d.ApEnAdded, test = d.Test,
                }),
                insert_baseline = inserted?.Select(d => new
                {
                    round = d.Round, train_rows = d.TrainRows, added_rows = d.AddedRows, density = d.Density, apen = d.ApEn, apen_added = d.ApEnAdded,
                }),
                against_round_0 = rounds.Select(x => new { round = x.Round, comparison = Json(x.Comparison) }),
                compare = other,
            });
            return 0;
        });
        return command;
    }

    private static void AddRow(Table table, string label, PairedComparison c) =>
        table.AddRow(label, $"{c.Users:N0}", $"{c.BaselineMean:F4}", $"{c.CandidateMean:F4}", CliRunner.Signed(c.MeanDifference),
            $"{c.TTest.Statistic:F3}", $"{c.TTest.PValue:G3}", $"{c.Wilcoxon.WPlus:F1}", $"{c.Wilcoxon.PValue:G3}");

    private static object Json(PairedComparison c) => new
    {
        metric = c.Metric, users = c.Users, baseline = c.BaselineMean, candidate = c.CandidateMean,
        mean_difference = c.MeanDifference, sd_difference = c.SdDifference, relative_gain = c.RelativeGain,
        t = c.TTest.Statistic, p_t = c.TTest.PValue, w_plus = c.Wilcoxon.WPlus, z = c.Wilcoxon.Z,
        p_wilcoxon = c.Wilcoxon.PValue, nonzero_pairs = c.Wilcoxon.NonZeroPairs,
    };

    private static string Number(double value) => double.IsNaN(value) ? "-" : $"{value:F4}";
}
