using System.CommandLine;
using Rsir.Experiments;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir theory --run FOLDER</c>: every term of the error recurrence measured on a loop folder, and the bound checked.</summary>
internal static class TheoryCommand
{
    public static Command Create()
    {
        var run = new Option<DirectoryInfo>("--run") { Description = "A loop folder with at least one finished RSIR round", Required = true };
        var referenceSeed = new Option<long?>("--reference-seed") { Description = "Seed of the held-out reference judge (default: the loop's seed + 1)" };
        var tau = new Option<double?>("--tau") { Description = "Rank threshold of the miss rate (default: the loop's tau, 20 without judge)" };
        var excludeContext = new Option<bool>("--exclude-context") { Description = "Rank generated items among items not already in the context" };
        var analyticMax = new Option<bool>("--analytic-emax") { Description = "E_max = error of a random ranking instead of a model trained on random data" };
        var rho = new Option<double?>("--rho") { Description = "Use this rho instead of the least-squares fit" };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda | cuda:N (default: the loop's)" };
        var unjudged = new Option<DirectoryInfo?>("--unjudged") { Description = "The same loop run with --no-judge: checked with the judged run's rho, reference judge and E_max" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results as the last line" };
        var command = new Command("theory", "Measure E_k, E_max, lambda_k, the judge's miss rate and rho on a loop folder; check the error recurrence.");
        foreach (var option in new Option[] { run, unjudged, referenceSeed, tau, excludeContext, analyticMax, rho, device, json }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var console = CliRunner.Progress;
            var options = new TheoryCheckOptions
            {
                ReferenceSeed = parse.GetValue(referenceSeed), Tau = parse.GetValue(tau), ExcludeContext = parse.GetValue(excludeContext),
                TrainMaxErrorModel = !parse.GetValue(analyticMax), Rho = parse.GetValue(rho), Device = parse.GetValue(device),
            };
            void Stage(string text) => console.MarkupLineInterpolated($"[blue]theory[/]: {text}");
            if (parse.GetValue(unjudged) is { } ablation)
            {
                var both = TheoryCheck.Compare(parse.GetValue(run)!.FullName, ablation.FullName, options, Stage);
                Print(console, "Judged run", both.Judged, options);
                Print(console, "Unjudged run (τ = ∞), with the judged run's ρ, reference judge and E_max", both.Unjudged, options);
                CliRunner.Emit(parse.GetValue(json), new { command = "theory", judged = Json(both.Judged), unjudged = Json(both.Unjudged) });
                return 0;
            }
            var result = TheoryCheck.Run(parse.GetValue(run)!.FullName, options, Stage);
            Print(console, null, result, options);
            CliRunner.Emit(parse.GetValue(json), new { command = "theory", run = parse.GetValue(run)!.FullName, result = Json(result) });
            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, string? title, TheoryCheckResult result, TheoryCheckOptions options)
    {
        var t = result.Table;
        if (title is not null) console.MarkupLineInterpolated($"[bold]{title}[/]");
        var table = new Table().AddColumns("k", "E_k", "λ_k", "p̃_k", "E_k+1", "bound", "slack", "(1−p̃)ρ", "contracts", "within bound", "E*");
        foreach (var r in t.Rows)
            table.AddRow($"{r.Round}→{r.Round + 1}", $"{r.Error:F4}", $"{r.SyntheticShare:F3}", $"{r.MissRate:F3}", $"{r.NextError:F4}",
                $"{r.Bound:F4}", CliRunner.Signed(r.Slack), $"{r.ContractionFactor:F3}", r.Contracts ? "yes" : "no",
                r.WithinBound ? "yes" : "no", double.IsNaN(r.FixedPoint) ? "-" : $"{r.FixedPoint:F4}");
        console.Write(table);
        string rho = t.Rho.Basis == "given" ? $"ρ = {t.Rho.Value:F4} (given)"
            : $"ρ = {t.Rho.Value:F4} (least squares {t.Rho.LeastSquares:F4} over {t.Rho.Steps} {t.Rho.Basis}{(t.Rho.Clamped ? ", clamped at 0" : "")}, residual rms {t.Rho.ResidualRms:F4})";
        console.WriteLine($"E_0 = {t.InitialError:F4}; E_max = {t.MaxError:F4} ({result.MaxErrorSource}); {rho}; " +
            $"E = 1 − {options.ErrorMetric} on validation; λ by {options.ShareBy.ToString().ToLowerInvariant()}; p̃ = reference misses at τ {result.Tau} over all synthetic rows of D_k+1.");
        console.WriteLine($"Saved in {result.Folder}.");
    }

    private static object Json(TheoryCheckResult result)
    {
        var t = result.Table;
        return new
        {
            folder = result.Folder,
            e0 = t.InitialError, emax = t.MaxError, emax_source = result.MaxErrorSource, tau = result.Tau,
            rho = t.Rho.Value, rho_basis = t.Rho.Basis, rho_least_squares = t.Rho.LeastSquares, rho_clamped = t.Rho.Clamped, rho_steps = t.Rho.Steps,
            reference_validation = result.ReferenceValidation,
            rows = t.Rows.Select(r => new
            {
                round = r.Round, e_k = r.Error, lambda_k = r.SyntheticShare, miss_rate_k = r.MissRate, e_next = r.NextError,
                bound = r.Bound, slack = r.Slack, contraction_factor = r.ContractionFactor, contracts = r.Contracts,
                within_bound = r.WithinBound, fixed_point = r.FixedPoint,
            }),
            miss_rates = result.MissRates.Select(m => new
            {
                round = m.Round, added_steps = m.Added.Steps, added_misses = m.Added.Misses, added_rate = m.Added.Rate,
                all_steps = m.AllSynthetic.Steps, all_rate = m.AllSynthetic.Rate,
            }),
        };
    }
}
