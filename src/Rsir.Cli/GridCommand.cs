using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rsir.Experiments;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir grid run | submit | status | collect PLAN</c>: a plan of many runs, here one after another or on
/// Slurm as a job array, its state, and its table. <c>run-point</c> is what each Slurm task runs.</summary>
internal static class GridCommand
{
    private sealed class Shared
    {
        public readonly Argument<FileInfo> Plan = new("plan") { Description = "Plan file (JSON): axes, commands, names; see environment/plans/" };
        public readonly Option<string?> Out = new("--out") { Description = "Results root (default: the plan's \"out\")" };
        public readonly Option<bool> Json = new("--json") { Description = "Print one JSON object with the results as the last line" };

        public Command Command(string name, string description, params Option[] options)
        {
            var command = new Command(name, description) { Plan, Out, Json };
            foreach (var option in options) command.Options.Add(option);
            return command;
        }

        /// <summary>The plan, with every point's argument list checked by rsir's own parser (an unknown flag or a bad
        /// value is an error before anything runs or is submitted).</summary>
        public GridPlan Load(ParseResult parse)
        {
            var plan = GridPlan.Load(parse.GetValue(Plan)!.FullName, parse.GetValue(Out));
            var root = CliApp.Create();
            foreach (var point in plan.Points)
                if (root.Parse(point.Arguments.ToArray()).Errors is { Count: > 0 } errors)
                    throw new InvalidDataException($"{plan.File}: {point.Field}.run: point '{point.Name}': " +
                        $"{string.Join(" ", errors.Select(e => e.Message))} (value: '{point.CommandLine}')");
            return plan;
        }
    }

    public static Command Create()
    {
        var grid = new Command("grid", "A plan of many runs (the paper's tables): run it here, submit it to Slurm, see its state, collect its table.");
        grid.Subcommands.Add(Run());
        grid.Subcommands.Add(Submit());
        grid.Subcommands.Add(Status());
        grid.Subcommands.Add(Collect());
        grid.Subcommands.Add(RunPoint());
        return grid;
    }

    private static Command Run()
    {
        var shared = new Shared();
        var dryRun = new Option<bool>("--dry-run") { Description = "List the points and their commands; run nothing" };
        var command = shared.Command("run", "Run the plan's points here, one after another: finished points are skipped, unfinished ones resume.", dryRun);
        command.SetAction(parse =>
        {
            var plan = shared.Load(parse);
            var console = CliRunner.Progress;
            var status = CurrentStatus(plan).ToDictionary(s => s.Point.Index);
            int total = plan.Points.Count, done = status.Values.Count(s => s.State == GridPointState.Done), failed = 0, position = 0;
            console.MarkupLineInterpolated($"[bold]rsir grid run[/] {plan.Name}: {total} points, {done} done → {plan.ResultsRoot}");
            var outcomes = new List<object>();
            foreach (var point in plan.Points.OrderBy(p => p.Stage).ThenBy(p => p.Index))
            {
                position++;
                var s = status[point.Index];
                string where = $"[grid {position}/{total}: {done} done, {failed} failed]";
                if (s.State == GridPointState.Done || s.Active)
                {
                    console.MarkupLineInterpolated($"{where} {point.Name}: {(s.Active ? "skipped, " : "")}{s.Detail}");
                    outcomes.Add(new { point = point.Name, state = s.Active ? "held elsewhere" : "done", seconds = 0.0 });
                    continue;
                }
                console.MarkupLineInterpolated($"[bold]{where}[/] {point.Name} ({s.Detail}): {point.CommandLine}");
                if (parse.GetValue(dryRun)) { outcomes.Add(new { point = point.Name, state = "not run (dry run)", seconds = 0.0 }); continue; }
                var clock = Stopwatch.StartNew();
                var (code, error) = RunOne(plan, point);
                if (code == 0) done++; else failed++;
                if (code == 0)
                    console.MarkupLineInterpolated($"[green]{point.Name}: done[/] in {clock.Elapsed.TotalMinutes:F1} min ({done}/{total} points done)");
                else
                    console.MarkupLineInterpolated($"[red]{point.Name}: failed[/] (exit {code}): {error ?? "no message"} The grid goes on with the next point.");
                outcomes.Add(new { point = point.Name, state = code == 0 ? "done" : "failed", exit_code = code, error, seconds = clock.Elapsed.TotalSeconds });
            }
            console.MarkupLineInterpolated($"[bold]grid {plan.Name}[/]: {done} of {total} points done, {failed} failed this run.");
            CliRunner.Emit(parse.GetValue(shared.Json), new { command = "grid run", plan = plan.Name, total, done, failed, points = outcomes, results = plan.ResultsRoot });
            return failed > 0 ? CliRunner.Failure : 0;
        });
        return command;
    }

    private static Command RunPoint()
    {
        var shared = new Shared();
        var index = new Option<int>("--index") { Description = "The point's index in the plan (a Slurm array task's id)", Required = true };
        var command = shared.Command("run-point", "Run one point of a plan (what each Slurm task runs); records the attempt for rsir grid status.", index);
        command.SetAction(parse =>
        {
            var plan = shared.Load(parse);
            int i = parse.GetValue(index);
            if (i < 0 || i >= plan.Points.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"--index {i} is not a point of {plan.File} (0..{plan.Points.Count - 1}).");
            var point = plan.Points[i];
            var console = CliRunner.Progress;
            var folder = point.Inspect();
            if (folder.State == GridFolder.Finished)
            {
                console.MarkupLineInterpolated($"{$"[grid {plan.Name}]"} point {i} {point.Name}: already {folder.Detail}; nothing to do.");
                CliRunner.Emit(parse.GetValue(shared.Json), new { command = "grid run-point", plan = plan.Name, point = point.Name, exit_code = 0, skipped = true });
                return 0;
            }
            console.MarkupLineInterpolated($"{$"[grid {plan.Name}]"} point {i} {point.Name} ({folder.Detail}): {point.CommandLine}");
            var (code, error) = RunOne(plan, point);
            CliRunner.Emit(parse.GetValue(shared.Json), new { command = "grid run-point", plan = plan.Name, point = point.Name, exit_code = code, error, skipped = false });
            return code;
        });
        return command;
    }

    /// <summary>Runs one point in this process (its own command, its own progress lines) between two attempt records.</summary>
    private static (int Code, string? Error) RunOne(GridPlan plan, GridPoint point)
    {
        var state = new GridState(plan);
        var attempt = GridAttempt.Start(point, plan.StateFolder);
        state.Write(attempt);
        int code;
        string? error;
        try
        {
            code = CliApp.Run(point.Arguments.ToArray());
            error = code == 0 ? null : CliRunner.LastError;
        }
        catch (Exception e)
        {
            (code, error) = (CliRunner.Failure, $"{e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine($"error: {error}");
        }
        state.Write(attempt with { Ended = DateTimeOffset.UtcNow, ExitCode = code, Error = error });
        return (code, error);
    }

    private static Command Submit()
    {
        var shared = new Shared();
        var slurm = new Option<bool>("--slurm") { Description = "Submit to Slurm as one job array (per stage) with sbatch" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition" };
        var gpus = new Option<int?>("--gpus-per-task") { Description = "GPUs per task (e.g. 1)" };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "CPU cores per task (also the task's OMP_NUM_THREADS)" };
        var memory = new Option<string?>("--mem") { Description = "Memory per task, as sbatch takes it (e.g. 16G)" };
        var time = new Option<string?>("--time") { Description = "Time limit per task, as sbatch takes it (e.g. 12:00:00)" };
        var extra = new Option<string[]>("--sbatch-arg") { Description = "Any other sbatch option, repeatable (e.g. --sbatch-arg=--account=lab)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write nothing and submit nothing: print the sbatch script(s)" };
        var command = shared.Command("submit", "Submit the plan's unfinished points to Slurm: one array task per point that is neither done nor queued or running.",
            slurm, partition, gpus, cpus, memory, time, extra, dryRun);
        command.SetAction(parse =>
        {
            if (!parse.GetValue(slurm)) throw new ArgumentException("Say where to submit: --slurm (the scheduler rsir grid supports).");
            var plan = shared.Load(parse);
            if (parse.GetValue(gpus) is < 1) throw new ArgumentOutOfRangeException(nameof(gpus), "--gpus-per-task must be at least 1.");
            if (parse.GetValue(cpus) is < 1) throw new ArgumentOutOfRangeException(nameof(cpus), "--cpus-per-task must be at least 1.");
            var state = new GridState(plan);
            var (queue, queueError) = state.Submissions().Count > 0 ? GridSlurm.Queue() : (new Dictionary<string, SlurmTask>(), null);
            if (queue is null)
                throw new InvalidOperationException($"Cannot tell which points Slurm still holds, so nothing is submitted: {queueError}");
            var status = state.Status(queue);
            var settings = new SlurmSettings(parse.GetValue(partition), parse.GetValue(gpus), parse.GetValue(cpus), parse.GetValue(memory),
                parse.GetValue(time), parse.GetValue(extra));
            string frozen = Path.Combine(plan.StateFolder, $"submit-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}", Path.GetFileName(plan.File));
            var arrays = GridSlurm.Plan(plan, status, settings, Launcher(), frozen);
            int done = status.Count(s => s.State == GridPointState.Done), active = status.Count(s => s.Active);
            var console = CliRunner.Progress;
            console.MarkupLineInterpolated($"[bold]rsir grid submit[/] {plan.Name}: {plan.Points.Count} points, {done} done, {active} queued or running, {arrays.Sum(a => a.Points.Count)} to submit");
            IReadOnlyList<GridSubmission> submitted = Array.Empty<GridSubmission>();
            if (parse.GetValue(dryRun))
                foreach (var array in arrays)
                    Console.Error.Write($"--- stage {array.Stage} (dry run; after: {(array.After.Count == 0 ? "nothing" : string.Join(", ", array.After))}) ---\n{array.Script}");
            else if (arrays.Count > 0)
            {
                submitted = GridSlurm.Submit(plan, arrays, frozen);
                foreach (var s in submitted)
                    console.MarkupLineInterpolated($"submitted Slurm job {s.Job}: array {string.Join(',', s.Points)} ({s.Points.Count} points){(s.Dependency is null ? "" : $", after {s.Dependency}")}; logs in {Path.Combine(plan.StateFolder, "logs")}");
            }
            CliRunner.Emit(parse.GetValue(shared.Json), new
            {
                command = "grid submit", plan = plan.Name, total = plan.Points.Count, done, active, dry_run = parse.GetValue(dryRun),
                arrays = arrays.Select((a, i) => new
                {
                    stage = a.Stage, indices = a.Points.Select(p => p.Index), points = a.Points.Select(p => p.Name),
                    job = i < submitted.Count ? submitted[i].Job : null, dependency = i < submitted.Count ? submitted[i].Dependency : null,
                    script = i < submitted.Count ? submitted[i].Script : null,
                }),
                results = plan.ResultsRoot,
            });
            return 0;
        });
        return command;
    }

    /// <summary>How a Slurm task starts this very build: the dotnet host and this assembly, both absolute.</summary>
    private static IReadOnlyList<string> Launcher()
    {
        string dll = typeof(CliApp).Assembly.Location;
        string? process = Environment.ProcessPath;
        string dotnet = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists) ?? "dotnet";
        return new[] { dotnet, dll };
    }

    /// <summary>Every point's state; Slurm's queue is asked only when the plan has been submitted.</summary>
    private static IReadOnlyList<GridPointStatus> CurrentStatus(GridPlan plan)
    {
        var state = new GridState(plan);
        if (state.Submissions().Count == 0) return state.Status();
        var (queue, error) = GridSlurm.Queue();
        return state.Status(queue, error);
    }

    private static Command Status()
    {
        var shared = new Shared();
        var command = shared.Command("status", "Each point of the plan: pending, running, done or failed (from Slurm, the results folders and the points' records).");
        command.SetAction(parse =>
        {
            var plan = shared.Load(parse);
            var status = CurrentStatus(plan);
            var accounting = GridSlurm.Accounting(status.Where(s => s.State == GridPointState.Failed && s.Job is not null).Select(s => s.Job!.Split('_')[0]));
            string Detail(GridPointStatus s) => s.Job is not null && accounting.TryGetValue(s.Job, out var a) ? $"{s.Detail} [Slurm: {a}]" : s.Detail;
            var table = new Table().AddColumns("#", "point", "state", "detail");
            foreach (var s in status)
            {
                string color = s.State switch { GridPointState.Done => "green", GridPointState.Failed => "red", GridPointState.Running => "blue", _ => "default" };
                table.AddRow(new Markup($"{s.Point.Index}"), new Markup(Markup.Escape(s.Point.Name)), new Markup($"[{color}]{s.State.ToString().ToLowerInvariant()}[/]"),
                    new Markup(Markup.Escape(Detail(s) + (s.State == GridPointState.Failed && s.Log is not null ? $"; log: {s.Log}" : ""))));
            }
            var console = CliRunner.Progress;
            console.MarkupLineInterpolated($"[bold]rsir grid status[/] {plan.Name} ({plan.File}) → {plan.ResultsRoot}");
            console.Write(table);
            var counts = Enum.GetValues<GridPointState>().ToDictionary(k => k, k => status.Count(s => s.State == k));
            console.WriteLine($"{status.Count} points: {counts[GridPointState.Done]} done, {counts[GridPointState.Running]} running, " +
                              $"{counts[GridPointState.Pending]} pending, {counts[GridPointState.Failed]} failed");
            CliRunner.Emit(parse.GetValue(shared.Json), new
            {
                command = "grid status", plan = plan.Name, total = status.Count,
                done = counts[GridPointState.Done], running = counts[GridPointState.Running],
                pending = counts[GridPointState.Pending], failed = counts[GridPointState.Failed],
                points = status.Select(s => new
                {
                    index = s.Point.Index, point = s.Point.Name, state = s.State.ToString().ToLowerInvariant(), detail = Detail(s),
                    job = s.Job, log = s.Log, command = s.Point.CommandLine, folder = s.Point.Folder,
                }),
                results = plan.ResultsRoot,
            });
            return 0;
        });
        return command;
    }

    private static Command Collect()
    {
        var shared = new Shared();
        var command = shared.Command("collect", "The plan's table: every finished point's test metrics, mean ± sd over seeds, paired tests against the plan's baseline (CSV and JSON).");
        command.SetAction(parse =>
        {
            var plan = shared.Load(parse);
            var table = GridCollect.Collect(plan);
            string folder = GridCollect.Write(table);
            var console = CliRunner.Progress;
            console.MarkupLineInterpolated($"[bold]rsir grid collect[/] {plan.Name}: {table.Rows.Count} rows from {plan.Points.Count - table.Missing.Count} of {plan.Points.Count} points");
            console.Write(PointsTable(table));
            console.Write(GroupsTable(table));
            console.WriteLine("Test split. Each cell: mean ± sd over seeds; under it, the relative gain on the baseline row and the p of the paired " +
                              "t-test / Wilcoxon over users (each user's metric averaged over the seeds both rows have).");
            if (table.Missing.Count > 0)
                console.WriteLine($"Not finished, left out: {string.Join(", ", table.Missing.Select(p => p.Name))} (rsir grid status says why).");
            console.WriteLine($"written: {Path.Combine(folder, "points.csv")}, groups.csv, table.json");
            CliRunner.Emit(parse.GetValue(shared.Json), new
            {
                command = "grid collect", plan = plan.Name, rows = table.Rows.Count,
                groups = table.Groups.Select(g => new
                {
                    group = g.Label, seeds = g.Rows.Count, mean = g.Metrics.ToDictionary(m => m.Key, m => m.Value.Mean),
                    sd = g.Metrics.ToDictionary(m => m.Key, m => m.Value.Sd), baseline = g.Baseline,
                    gain = g.Tests.ToDictionary(t => t.Key, t => t.Value.RelativeGain),
                    p_t = g.Tests.ToDictionary(t => t.Key, t => t.Value.TTest.PValue),
                    p_wilcoxon = g.Tests.ToDictionary(t => t.Key, t => t.Value.Wilcoxon.PValue), note = g.Note,
                }),
                missing = table.Missing.Select(p => p.Name),
                files = new[] { "points.csv", "groups.csv", "table.json" }.Select(f => Path.Combine(folder, f)),
            });
            return 0;
        });
        return command;
    }

    private static Table PointsTable(GridTable t)
    {
        var labels = t.LabelNames;
        var table = new Table().AddColumns(new[] { "point" }.Concat(labels).Concat(t.Plan.Metrics).Select(c => new TableColumn(Markup.Escape(c))).ToArray());
        foreach (var r in t.Rows)
            table.AddRow(new[] { r.Point.Name }.Concat(labels.Select(l => r.Labels.GetValueOrDefault(l, "")))
                .Concat(t.Plan.Metrics.Select(m => r.Test[m].ToString("F4", CultureInfo.InvariantCulture))).Select(Markup.Escape).ToArray());
        return table;
    }

    private static Table GroupsTable(GridTable t)
    {
        var labels = t.LabelNames.Where(l => l != t.Plan.SeedAxis).ToArray();
        var metrics = t.Plan.Metrics;
        var columns = labels.Append("seeds").Concat(metrics).Append("note");
        var table = new Table().AddColumns(columns.Select(c => new TableColumn(Markup.Escape(c))).ToArray());
        // Each metric's cell: mean ± sd over seeds, and under it the gain on the baseline with p (t-test / Wilcoxon).
        foreach (var g in t.Groups)
            table.AddRow(labels.Select(l => g.Labels.GetValueOrDefault(l, "")).Append($"{g.Rows.Count}")
                .Concat(metrics.Select(m => g.Metrics[m] + (g.Tests.TryGetValue(m, out var c)
                    ? $"\n{(double.IsFinite(c.RelativeGain) ? c.RelativeGain.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "n/a")}, p {P(c.TTest.PValue)} / {P(c.Wilcoxon.PValue)}" : "")))
                .Append(g.Note ?? "").Select(Markup.Escape).ToArray());
        return table;
    }

    private static string P(double p) => double.IsNaN(p) ? "–" : p >= 0.001 ? p.ToString("0.####", CultureInfo.InvariantCulture) : p.ToString("0.0e0", CultureInfo.InvariantCulture);
}
