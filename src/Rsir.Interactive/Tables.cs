using System.Globalization;
using Microsoft.Data.Analysis;
using Rsir.Analysis;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Training;

namespace Rsir.Interactive;

/// <summary>
/// The workbench's results as small <see cref="DataFrame"/>s, one row per run, step or round, so a notebook cell that
/// ends in a table is one line. Item lists print as "12 7 93"; an asterisk marks the user's own real items where the
/// table knows them.
/// </summary>
public static class Tables
{
    /// <summary>One row per dataset with the summary numbers.</summary>
    public static DataFrame DatasetSummary(params DatasetStatistics[] datasets)
    {
        var all = datasets.ToArray();
        return new DataFrame(
            new StringDataFrameColumn("dataset", all.Select(d => d.Name)),
            new Int32DataFrameColumn("users", all.Select(d => d.Users)),
            new Int32DataFrameColumn("items", all.Select(d => d.Items)),
            new Int64DataFrameColumn("interactions", all.Select(d => d.Interactions)),
            new DoubleDataFrameColumn("density", all.Select(d => d.Density)),
            new DoubleDataFrameColumn("mean_length", all.Select(d => d.MeanLength)),
            new DoubleDataFrameColumn("median_length", all.Select(d => d.MedianLength)),
            new Int32DataFrameColumn("min_length", all.Select(d => d.MinLength)),
            new Int32DataFrameColumn("max_length", all.Select(d => d.MaxLength)),
            new Int32DataFrameColumn("length_limit", all.Select(d => d.LengthLimit)),
            new DoubleDataFrameColumn("share_within_limit", all.Select(d => d.ShareWithinLengthLimit)),
            new Int32DataFrameColumn("users_with_repeat", all.Select(d => d.UsersWithRepeatedItem)),
            new Int32DataFrameColumn("test_target_in_history", all.Select(d => d.TestTargetInHistory)),
            new Int32DataFrameColumn("validation_target_in_history", all.Select(d => d.ValidationTargetInHistory)));
    }

    /// <summary>One row per (dataset, length bin): the users in the bin and their share of the dataset's users.</summary>
    public static DataFrame LengthHistogram(params DatasetStatistics[] datasets)
    {
        var rows = datasets.SelectMany(d => d.LengthHistogram.Select(bin => (Dataset: d, Bin: bin))).ToArray();
        return new DataFrame(
            new StringDataFrameColumn("dataset", rows.Select(r => r.Dataset.Name)),
            new StringDataFrameColumn("length", rows.Select(r => r.Bin.Label)),
            new Int32DataFrameColumn("min_length", rows.Select(r => r.Bin.MinLength)),
            new Int32DataFrameColumn("max_length", rows.Select(r => r.Bin.MaxLength)),
            new Int32DataFrameColumn("users", rows.Select(r => r.Bin.Users)),
            new DoubleDataFrameColumn("share", rows.Select(r => (double)r.Bin.Users / r.Dataset.Users)));
    }

    /// <summary>The recurrence check, one row per transition k → k+1.</summary>
    public static DataFrame ToDataFrame(this ErrorRecurrenceTable table) => new(
        new Int32DataFrameColumn("round", table.Rows.Select(r => r.Round)),
        new DoubleDataFrameColumn("E_k", table.Rows.Select(r => r.Error)),
        new DoubleDataFrameColumn("lambda_k", table.Rows.Select(r => r.SyntheticShare)),
        new DoubleDataFrameColumn("miss_rate_k", table.Rows.Select(r => r.MissRate)),
        new DoubleDataFrameColumn("E_k+1", table.Rows.Select(r => r.NextError)),
        new DoubleDataFrameColumn("bound", table.Rows.Select(r => r.Bound)),
        new DoubleDataFrameColumn("slack", table.Rows.Select(r => r.Slack)),
        new DoubleDataFrameColumn("contraction_factor", table.Rows.Select(r => r.ContractionFactor)),
        new BooleanDataFrameColumn("contracts", table.Rows.Select(r => r.Contracts)),
        new BooleanDataFrameColumn("within_bound", table.Rows.Select(r => r.WithinBound)),
        new DoubleDataFrameColumn("fixed_point", table.Rows.Select(r => r.FixedPoint)),
        new BooleanDataFrameColumn("judged", table.Rows.Select(r => r.Judged)));

    /// <summary>A sweep's table (<see cref="SweepResult.Columns"/>), one row per point.</summary>
    public static DataFrame ToDataFrame(this SweepResult sweep)
    {
        var frame = new DataFrame();
        foreach (var (name, values) in sweep.Columns())
            frame.Columns.Add(values.FirstOrDefault() switch
            {
                int => new Int32DataFrameColumn(name, values.Cast<int>()),
                double => new DoubleDataFrameColumn(name, values.Cast<double>()),
                _ => (DataFrameColumn)new StringDataFrameColumn(name, values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
            });
        return frame;
    }

    /// <summary>Test metrics and how training went, one row per run.</summary>
    public static DataFrame Training(params (string Name, TrainingResult Result)[] runs)
    {
        var cutoffs = runs.SelectMany(r => r.Result.Test.Protocol.Cutoffs).Distinct().Order().ToArray();
        var frame = new DataFrame(
            new StringDataFrameColumn("model", runs.Select(r => r.Name)),
            new Int32DataFrameColumn("epochs", runs.Select(r => r.Result.EpochsRun)),
            new Int32DataFrameColumn("best_epoch", runs.Select(r => r.Result.BestEpoch)),
            new DoubleDataFrameColumn("s_per_epoch", runs.Select(r => r.Result.SecondsPerEpoch)));
        AddMetricColumns(frame, cutoffs, runs.Select(r => r.Result.Test).ToArray(), "test_");
        frame.Columns.Add(new StringDataFrameColumn("stopped", runs.Select(r => r.Result.StopReason)));
        return frame;
    }

    /// <summary>Paired comparisons over users (e.g. round k against round 0, seed by seed), one row each.</summary>
    public static DataFrame Significance(params (string Name, PairedComparison Comparison)[] comparisons) => new(
        new StringDataFrameColumn("comparison", comparisons.Select(c => c.Name)),
        new StringDataFrameColumn("metric", comparisons.Select(c => c.Comparison.Metric)),
        new Int32DataFrameColumn("users", comparisons.Select(c => c.Comparison.Users)),
        new DoubleDataFrameColumn("baseline", comparisons.Select(c => c.Comparison.BaselineMean)),
        new DoubleDataFrameColumn("candidate", comparisons.Select(c => c.Comparison.CandidateMean)),
        new DoubleDataFrameColumn("relative_gain", comparisons.Select(c => c.Comparison.RelativeGain)),
        new DoubleDataFrameColumn("t", comparisons.Select(c => c.Comparison.TTest.Statistic)),
        new DoubleDataFrameColumn("p_t", comparisons.Select(c => c.Comparison.TTest.PValue)),
        new DoubleDataFrameColumn("p_wilcoxon", comparisons.Select(c => c.Comparison.Wilcoxon.PValue)));

    /// <summary>Every round of each loop against that loop's round 0, paired over users, on each metric (e.g.
    /// "ndcg@20", "recall@20"), from the per-user test ranks the loop kept.</summary>
    public static DataFrame RoundsAgainstBase(IReadOnlyList<(string Name, RsirLoopResult Result)> loops, params string[] metrics) =>
        Significance(metrics.SelectMany(metric => loops.SelectMany(l => l.Result.TestResults.Skip(1).Select((r, i) =>
        {
            var (name, k) = GridCollect.SplitMetric(metric);
            return ($"{l.Name} round {i + 1} vs round 0", Analysis.Significance.Compare(l.Result.TestResults[0], r, name, k));
        }))).ToArray());

    /// <summary>How far each transition sits from the bound, in validation users: the slack (bound − measured
    /// E_k+1) times the number of validation users. Below one user, a "violation" is one user's hit or miss.</summary>
    public static DataFrame SlackInUsers(ErrorRecurrenceTable table, int validationUsers) => new(
        new Int32DataFrameColumn("round", table.Rows.Select(r => r.Round)),
        new DoubleDataFrameColumn("slack", table.Rows.Select(r => r.Slack)),
        new DoubleDataFrameColumn("slack_in_users", table.Rows.Select(r => r.Slack * validationUsers)),
        new BooleanDataFrameColumn("within_bound", table.Rows.Select(r => r.WithinBound)),
        new DoubleDataFrameColumn("contraction_factor", table.Rows.Select(r => r.ContractionFactor)),
        new DoubleDataFrameColumn("fixed_point", table.Rows.Select(r => r.FixedPoint)));

    /// <summary>Density and ApEn per round, one row per (run, round).</summary>
    public static DataFrame DataByRound(params (string Name, IReadOnlyList<RoundDataReport> Reports)[] runs)
    {
        var rows = runs.SelectMany(r => r.Reports.Select(x => (r.Name, x))).ToArray();
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Name)),
            new Int32DataFrameColumn("round", rows.Select(r => r.x.Round)),
            new Int32DataFrameColumn("train_rows", rows.Select(r => r.x.TrainRows)),
            new Int32DataFrameColumn("added_rows", rows.Select(r => r.x.AddedRows)),
            new DoubleDataFrameColumn("density", rows.Select(r => r.x.Density)),
            new DoubleDataFrameColumn("apen", rows.Select(r => r.x.ApEn)),
            new DoubleDataFrameColumn("apen_added", rows.Select(r => r.x.ApEnAdded)));
    }

    /// <summary>Recall@K and NDCG@K for every cutoff, one row per named result.</summary>
    public static DataFrame Metrics(params (string Name, EvaluationResult Result)[] results)
    {
        var cutoffs = results.SelectMany(r => r.Result.Protocol.Cutoffs).Distinct().Order().ToArray();
        var frame = new DataFrame(new StringDataFrameColumn("model", results.Select(r => r.Name)));
        AddMetricColumns(frame, cutoffs, results.Select(r => r.Result).ToArray(), "");
        return frame;
    }

    /// <summary>The leave-one-out split of one user: what training, validation and test see.</summary>
    public static DataFrame Split(Dataset dataset, int user)
    {
        if (!dataset.UserSequences.TryGetValue(user, out var s))
            throw new ArgumentException($"User {user} is not in dataset '{dataset.Name}' (too short, or outside the slice).", nameof(user));
        var train = dataset.TrainRows.First(r => r.User == user && r.Origin.IsReal);
        var validation = dataset.Validation.First(r => r.User == user);
        var test = dataset.Test.First(r => r.User == user);
        var parts = new (string Part, int[] Input, string Target)[]
        {
            ("the user's sequence s (last MaxLength items)", s, ""),
            ("training: input s[:-3] → targets s[1:-2]", train.Items[..^1], Items(train.Items[1..])),
            ("validation: history s[:-2] → target s[-2]", validation.History, validation.Target.ToString()),
            ("test: history s[:-1] → target s[-1]", test.History, test.Target.ToString()),
        };
        return new DataFrame(
            new StringDataFrameColumn("part", parts.Select(p => p.Part)),
            new Int32DataFrameColumn("length", parts.Select(p => p.Input.Length)),
            new StringDataFrameColumn("items (oldest first)", parts.Select(p => Items(p.Input))),
            new StringDataFrameColumn("predict", parts.Select(p => p.Target)));
    }

    /// <summary>
    /// A traced generation, one row per step of each copy: the context, how many real items were still unused, the
    /// judge's rank of the best of them against τ, the pool the Bernoulli(p) draw chose, the pick, and the stop.
    /// </summary>
    public static DataFrame Steps(IEnumerable<GenerationStep> steps, int? copy = null)
    {
        var rows = steps.Where(s => copy is null || s.Copy == copy).OrderBy(s => s.SeedRow).ThenBy(s => s.Copy).ThenBy(s => s.Step).ToArray();
        return new DataFrame(
            new Int32DataFrameColumn("copy", rows.Select(s => s.Copy)),
            new Int32DataFrameColumn("step", rows.Select(s => s.Step)),
            new StringDataFrameColumn("sequence so far", rows.Select(s => Items(s.Context))),
            new Int32DataFrameColumn("unused_real", rows.Select(s => s.UnusedRealItems)),
            new StringDataFrameColumn("best unused real rank vs τ", rows.Select(s => s.BestUnusedRealRank is { } r
                ? $"{r} {(s.Passed == true ? "≤" : ">")} {Formatters.Cell(s.Tau)}" : "not judged")),
            new StringDataFrameColumn("judge", rows.Select(s => s.Passed switch { true => "pass", false => "STOP", null => "" })),
            new StringDataFrameColumn("pool (draw vs p)", rows.Select(s => s.Pool switch
            {
                CandidatePool.OwnHistory => $"own unused items ({s.PoolDraw:F2})",
                CandidatePool.Catalogue => $"whole catalogue ({s.PoolDraw:F2})",
                _ => "",
            })),
            new StringDataFrameColumn("picked", rows.Select(s => s.Picked?.ToString() ?? "")),
            new StringDataFrameColumn("stop", rows.Select(s => s.Stop is { } stop ? $"{stop.Code()} {stop}" : "")));
    }

    /// <summary>Finished synthetic sequences; with <paramref name="dataset"/>, the source user's real items get a *.</summary>
    public static DataFrame Sequences(IEnumerable<SyntheticSequence> sequences, Dataset? dataset = null)
    {
        var rows = sequences.ToArray();
        string Show(SyntheticSequence s)
        {
            if (dataset is null || !dataset.UserSequences.TryGetValue(s.SourceUser, out var real)) return Items(s.Items);
            var own = real.ToHashSet();
            return string.Join(' ', s.Items.Select(i => own.Contains(i) ? $"{i}*" : i.ToString()));
        }
        return new DataFrame(
            new Int32DataFrameColumn("pseudo_user", rows.Select(s => s.PseudoUser)),
            new Int32DataFrameColumn("source_user", rows.Select(s => s.SourceUser)),
            new Int32DataFrameColumn("copy", rows.Select(s => s.Copy)),
            new Int32DataFrameColumn("length", rows.Select(s => s.Length)),
            new Int32DataFrameColumn("own", rows.Select(s => s.ItemsFromHistory)),
            new Int32DataFrameColumn("new", rows.Select(s => s.ItemsNewToUser)),
            new StringDataFrameColumn("stop", rows.Select(s => $"{s.StopReason.Code()} {s.StopReason}")),
            new StringDataFrameColumn("items (* = the user's own)", rows.Select(Show)));
    }

    /// <summary>What generation rounds produced, one row per named round.</summary>
    public static DataFrame RoundStatistics(params (string Name, RoundStatistics Statistics)[] rounds)
    {
        var s = rounds.Select(r => r.Statistics).ToArray();
        var frame = new DataFrame(
            new StringDataFrameColumn("run", rounds.Select(r => r.Name)),
            new Int32DataFrameColumn("seed_rows", s.Select(x => x.SeedRows)),
            new Int32DataFrameColumn("tried", s.Select(x => x.SequencesTried)),
            new Int32DataFrameColumn("kept", s.Select(x => x.SequencesKept)),
            new Int32DataFrameColumn("too_short", s.Select(x => x.DroppedShort)),
            new Int32DataFrameColumn("duplicates", s.Select(x => x.DuplicatesRemoved)),
            new DoubleDataFrameColumn("mean_length", s.Select(x => x.MeanLength)),
            new DoubleDataFrameColumn("judge_pass_rate", s.Select(x => x.JudgePassRate)),
            new DoubleDataFrameColumn("share_own_items", s.Select(x => x.ShareFromHistory)));
        foreach (var reason in Enum.GetValues<StopReason>())
            frame.Columns.Add(new Int32DataFrameColumn($"{reason.Code()}_kept", s.Select(x => x.StopReasonsKept.GetValueOrDefault(reason))));
        frame.Columns.Add(new DoubleDataFrameColumn("seconds", s.Select(x => x.WallTime.TotalSeconds)));
        return frame;
    }

    /// <summary>What the generation rounds of several loops produced, one row per (loop, round); round 0 generates nothing.</summary>
    public static DataFrame RoundStatistics(params (string Name, RsirLoopResult Result)[] loops) =>
        RoundStatistics(loops.SelectMany(l => l.Result.Rounds.Where(r => r.Generation is not null)
            .Select(r => ($"{l.Name}, round {r.Round}", r.Generation!))).ToArray());

    /// <summary>An RSIR loop, one row per round: test metrics, the training set's size and density, what generation added.</summary>
    public static DataFrame Rounds(RsirLoopResult loop, string? name = null) => Rounds((name ?? "RSIR", loop));

    /// <summary>Several loops, one row per (loop, round).</summary>
    public static DataFrame Rounds(params (string Name, RsirLoopResult Result)[] loops)
    {
        var rows = loops.SelectMany(l => l.Result.Rounds.Select(r => (l.Name, Round: r))).ToArray();
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Name)),
            new Int32DataFrameColumn("round", rows.Select(r => r.Round.Round)),
            new DoubleDataFrameColumn("recall@10", rows.Select(r => r.Round.Recall(10))),
            new DoubleDataFrameColumn("recall@20", rows.Select(r => r.Round.Recall(20))),
            new DoubleDataFrameColumn("ndcg@10", rows.Select(r => r.Round.Ndcg(10))),
            new DoubleDataFrameColumn("ndcg@20", rows.Select(r => r.Round.Ndcg(20))),
            new Int32DataFrameColumn("train_rows", rows.Select(r => r.Round.TrainRows)),
            new Int32DataFrameColumn("synthetic_rows", rows.Select(r => r.Round.SyntheticRows)),
            new DoubleDataFrameColumn("density", rows.Select(r => r.Round.Density)),
            new DoubleDataFrameColumn("mean_synthetic_length", rows.Select(r => r.Round.Generation?.MeanLength ?? double.NaN)),
            new DoubleDataFrameColumn("judge_pass_rate", rows.Select(r => r.Round.Generation?.JudgePassRate ?? double.NaN)),
            new Int32DataFrameColumn("epochs", rows.Select(r => r.Round.EpochsRun)),
            new DoubleDataFrameColumn("seconds", rows.Select(r => r.Round.Seconds)));
    }

    /// <summary>A grid's table (<see cref="GridCollect.Collect"/>), one row per group of seeds: its labels, the number of
    /// seeds, each metric's mean and sd, and against the plan's baseline row its relative gain and paired p-values
    /// (t-test, Wilcoxon; NaN where the row is the baseline or has none).</summary>
    public static DataFrame Grid(GridTable table)
    {
        var groups = table.Groups;
        var labels = table.LabelNames.Where(l => l != table.Plan.SeedAxis);
        var frame = new DataFrame(labels.Select(l => (DataFrameColumn)new StringDataFrameColumn(l, groups.Select(g => g.Labels.GetValueOrDefault(l, "")))));
        frame.Columns.Add(new Int32DataFrameColumn("seeds", groups.Select(g => g.Rows.Count)));
        foreach (var m in table.Plan.Metrics)
        {
            frame.Columns.Add(new DoubleDataFrameColumn(m, groups.Select(g => g.Metrics[m].Mean)));
            frame.Columns.Add(new DoubleDataFrameColumn($"{m}_sd", groups.Select(g => g.Metrics[m].Sd)));
            frame.Columns.Add(new DoubleDataFrameColumn($"{m}_gain", groups.Select(g => g.Tests.TryGetValue(m, out var t) ? t.RelativeGain : double.NaN)));
            frame.Columns.Add(new DoubleDataFrameColumn($"{m}_p_t", groups.Select(g => g.Tests.TryGetValue(m, out var t) ? t.TTest.PValue : double.NaN)));
            frame.Columns.Add(new DoubleDataFrameColumn($"{m}_p_wilcoxon", groups.Select(g => g.Tests.TryGetValue(m, out var t) ? t.Wilcoxon.PValue : double.NaN)));
        }
        frame.Columns.Add(new StringDataFrameColumn("baseline", groups.Select(g => g.Baseline ?? "")));
        frame.Columns.Add(new StringDataFrameColumn("note", groups.Select(g => g.Note ?? "")));
        return frame;
    }

    /// <summary>A grid's finished points, one row per point (per round for a loop): labels, test metrics, folder.</summary>
    public static DataFrame GridPoints(GridTable table)
    {
        var rows = table.Rows;
        var frame = new DataFrame(new StringDataFrameColumn("point", rows.Select(r => r.Point.Name)));
        foreach (var l in table.LabelNames) frame.Columns.Add(new StringDataFrameColumn(l, rows.Select(r => r.Labels.GetValueOrDefault(l, ""))));
        foreach (var m in table.Plan.Metrics) frame.Columns.Add(new DoubleDataFrameColumn(m, rows.Select(r => r.Test[m])));
        frame.Columns.Add(new StringDataFrameColumn("folder", rows.Select(r => r.Point.Folder)));
        return frame;
    }

    /// <summary>A base-versus-round study over seeds (one loop folder per seed): each metric's mean ± sd over the seeds
    /// for round <paramref name="baseline"/> and round <paramref name="candidate"/>.</summary>
    public static DataFrame SeedMeans(IReadOnlyList<LoopFolder> runs, int baseline = 0, int candidate = 1)
    {
        var means = SeedStudy.Means(runs.Select(r => r.ReadRound(baseline).Test).ToArray(), runs.Select(r => r.ReadRound(candidate).Test).ToArray());
        return new DataFrame(
            new StringDataFrameColumn("test metric", means.Select(m => m.Metric)),
            new StringDataFrameColumn($"round {baseline}, mean ± sd over {runs.Count} seeds", means.Select(m => m.Baseline.ToString())),
            new StringDataFrameColumn($"round {candidate}, mean ± sd", means.Select(m => m.Candidate.ToString())));
    }

    /// <summary>The same study's paired tests: per metric, each seed's round <paramref name="candidate"/> against its own
    /// round <paramref name="baseline"/>, then the seeds pooled (each user's metric averaged over the seeds).</summary>
    public static DataFrame SeedTests(IReadOnlyList<LoopFolder> runs, int baseline = 0, int candidate = 1) =>
        Significance(SeedStudy.Tests(runs.Select(r => new SeedPair(r.Options.Run.Training.Seed.ToString(CultureInfo.InvariantCulture),
            r.ReadTestRanks(baseline), r.ReadTestRanks(candidate))).ToArray()).ToArray());

    /// <summary>What each augmentation baseline made of the m copies it tried per training row: added, skipped as
    /// identical to their source, dropped as too short; the columns add up to <c>tried</c>.</summary>
    public static DataFrame Augmentation(IEnumerable<AugmentationSummary> summaries, int copies)
    {
        var s = summaries.ToArray();
        return new DataFrame(
            new StringDataFrameColumn("baseline", s.Select(x => x.Kind.ToString())),
            new Int32DataFrameColumn("source_rows", s.Select(x => x.SourceRows)),
            new Int32DataFrameColumn("tried", s.Select(x => x.SourceRows * copies)),
            new Int32DataFrameColumn("added", s.Select(x => x.Added)),
            new Int32DataFrameColumn("skipped_identical", s.Select(x => x.Unchanged)),
            new Int32DataFrameColumn("dropped_too_short", s.Select(x => x.TooShort)));
    }

    /// <summary>The comparison with the paper, one row per claim: the paper's value and change, ours (mean ± sd, seeds),
    /// our change against our reference with the paired p, the status and why, the command and the folder.</summary>
    public static DataFrame Reproduction(IEnumerable<ReproductionRow> rows, bool commands = true)
    {
        var r = rows.ToArray();
        string Value(double? v, string? text) => v is double x ? Formatters.Cell(x) : text ?? "";
        string Change(double? c) => c is double x ? (x >= 0 ? "+" : "−") + Math.Abs(x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "";
        string Ours(ReproductionRow row) => row.Ours is not { } o ? "" : o.Value.Count > 1 ? o.Value.ToString() : Formatters.Cell(o.Value.Mean);
        var frame = new DataFrame(
            new StringDataFrameColumn("what", r.Select(x => x.Paper.What)),
            new StringDataFrameColumn("metric", r.Select(x => x.Paper.Metric)),
            new StringDataFrameColumn("paper", r.Select(x => Value(x.Paper.Value, x.Paper.Text))),
            new StringDataFrameColumn("paper_change", r.Select(x => Change(x.Paper.Change))),
            new StringDataFrameColumn("ours", r.Select(Ours)),
            new StringDataFrameColumn("our_change", r.Select(x => Change(x.Ours?.Change))),
            new StringDataFrameColumn("against", r.Select(x => x.Ours?.ReferenceName ?? "")),
            new StringDataFrameColumn("p", r.Select(x => x.Ours?.Test is { } t ? Formatters.PValue(t.TTest.PValue) : "")),
            new StringDataFrameColumn("seeds / source", r.Select(x => x.Ours?.Text ?? "")),
            new StringDataFrameColumn("status", r.Select(x => ReproductionRow.StatusText(x.Status))),
            new StringDataFrameColumn("why", r.Select(x => x.Why)));
        if (commands)
        {
            frame.Columns.Add(new StringDataFrameColumn("command", r.Select(x => x.Command)));
            frame.Columns.Add(new StringDataFrameColumn("folder", r.Select(x => x.Folder)));
        }
        return frame;
    }

    /// <summary>How to regenerate each row of the comparison: its status, the command and the folder it reads.</summary>
    public static DataFrame ReproductionCommands(IEnumerable<ReproductionRow> rows)
    {
        var r = rows.ToArray();
        return new DataFrame(
            new StringDataFrameColumn("section", r.Select(x => x.Paper.Section)),
            new StringDataFrameColumn("what", r.Select(x => x.Paper.What)),
            new StringDataFrameColumn("metric", r.Select(x => x.Paper.Metric)),
            new StringDataFrameColumn("status", r.Select(x => ReproductionRow.StatusText(x.Status))),
            new StringDataFrameColumn("command", r.Select(x => x.Command)),
            new StringDataFrameColumn("folder", r.Select(x => x.Folder)));
    }

    /// <summary>"12 7 93".</summary>
    public static string Items(IEnumerable<int> items) => string.Join(' ', items);

    private static void AddMetricColumns(DataFrame frame, int[] cutoffs, EvaluationResult[] results, string prefix)
    {
        foreach (int k in cutoffs)
        {
            frame.Columns.Add(new DoubleDataFrameColumn($"{prefix}recall@{k}", results.Select(r => r.Protocol.Cutoffs.Contains(k) ? r.Recall(k) : double.NaN)));
            frame.Columns.Add(new DoubleDataFrameColumn($"{prefix}ndcg@{k}", results.Select(r => r.Protocol.Cutoffs.Contains(k) ? r.Ndcg(k) : double.NaN)));
        }
    }
}
