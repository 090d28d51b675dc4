using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rsir.Data;

namespace Rsir.Experiments;

/// <summary>What <c>rsir grid submit --slurm</c> asks of Slurm for every task; null = Slurm's (or the site's) default.
/// <c>Extra</c>: any further sbatch options, each as one "--option=value" word.</summary>
public sealed record SlurmSettings(string? Partition = null, int? GpusPerTask = null, int? CpusPerTask = null, string? Memory = null,
    string? Time = null, IReadOnlyList<string>? Extra = null);

/// <summary>One job array as <c>rsir grid submit</c> writes it: the points it holds, the script, and the job ids it waits for.</summary>
public sealed record SlurmArray(int Stage, IReadOnlyList<GridPoint> Points, string Script, IReadOnlyList<string> After);

/// <summary>
/// A plan on Slurm: one job array per stage (blocks with <c>after</c> wait for the arrays they name with
/// <c>--dependency=afterany</c>), one task per unfinished point, each task running the same <c>rsir grid run-point</c>
/// on a frozen copy of the plan into the shared results root. Slurm schedules; rsir runs one point. The queue is read
/// with <c>squeue</c>; everything else comes from the results folders and the tasks' own records
/// (<see cref="GridState"/>).
/// </summary>
public static class GridSlurm
{
    /// <summary>The unfinished points that no Slurm task or local process holds, as job arrays by stage; each array waits
    /// for the still active tasks of earlier stages (their job ids) and, when submitted, for the arrays submitted before it.</summary>
    public static IReadOnlyList<SlurmArray> Plan(GridPlan plan, IReadOnlyList<GridPointStatus> status, SlurmSettings settings,
        IReadOnlyList<string> launcher, string frozenPlan)
    {
        var arrays = new List<SlurmArray>();
        foreach (var stage in status.Where(s => s.State != GridPointState.Done && !s.Active).GroupBy(s => s.Point.Stage).OrderBy(g => g.Key))
        {
            var waitFor = status.Where(s => s.Active && s.Point.Stage < stage.Key && s.Job is not null)
                .Select(s => s.Job!.Split('_')[0]).Distinct().ToArray();
            var points = stage.Select(s => s.Point).ToArray();
            arrays.Add(new SlurmArray(stage.Key, points, Script(plan, points, settings, launcher, frozenPlan), waitFor));
        }
        return arrays;
    }

    /// <summary>The sbatch script of one job array: task i runs point i of the frozen plan.</summary>
    public static string Script(GridPlan plan, IReadOnlyList<GridPoint> points, SlurmSettings settings, IReadOnlyList<string> launcher, string frozenPlan)
    {
        var s = new StringBuilder("#!/bin/bash\n");
        void Directive(string option) => s.Append("#SBATCH ").Append(option).Append('\n');
        Directive($"--job-name=rsir-{plan.Name}");
        Directive($"--array={string.Join(',', points.Select(p => p.Index))}");
        Directive($"--output={Path.Combine(plan.StateFolder, "logs", "%A_%a.out")}");
        if (settings.Partition is { } partition) Directive($"--partition={partition}");
        if (settings.GpusPerTask is { } gpus) Directive($"--gpus-per-task={gpus}");
        if (settings.CpusPerTask is { } cpus) Directive($"--cpus-per-task={cpus}");
        if (settings.Memory is { } memory) Directive($"--mem={memory}");
        if (settings.Time is { } time) Directive($"--time={time}");
        foreach (var extra in settings.Extra ?? Array.Empty<string>()) Directive(extra);
        s.Append($"# Written by `rsir grid submit` for {plan.File}: task i runs point i (rsir grid status names them).\n");
        s.Append("set -u\n");
        foreach (var variable in new[] { DatasetCatalog.ShippedDataVariable, DatasetCatalog.ExternalDataVariable })
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            if (variable == DatasetCatalog.ShippedDataVariable && string.IsNullOrEmpty(value))
                value = DatasetCatalog.FindRepositoryDataDirectory(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
            if (!string.IsNullOrEmpty(value)) s.Append($"export {variable}={Quote(Path.GetFullPath(value))}\n");
        }
        s.Append("export OMP_NUM_THREADS=\"${OMP_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}\"\n");
        s.Append($"cd {Quote(Directory.GetCurrentDirectory())}\n");
        s.Append("exec ").Append(string.Join(' ', launcher.Select(Quote)))
         .Append($" grid run-point {Quote(frozenPlan)} --index \"$SLURM_ARRAY_TASK_ID\" --out {Quote(plan.ResultsRoot)}\n");
        return s.ToString();
    }

    /// <summary>Writes the frozen plan copy and each array's script into the grid's folder, calls <c>sbatch --parsable</c>
    /// for each (later stages wait for the arrays just submitted) and records the submissions. Returns the job ids.</summary>
    public static IReadOnlyList<GridSubmission> Submit(GridPlan plan, IReadOnlyList<SlurmArray> arrays, string frozenPlan)
    {
        var state = new GridState(plan);
        Directory.CreateDirectory(Path.Combine(plan.StateFolder, "logs"));
        Directory.CreateDirectory(Path.GetDirectoryName(frozenPlan)!);
        File.Copy(plan.File, frozenPlan, overwrite: true);
        var submitted = new List<GridSubmission>();
        foreach (var array in arrays)
        {
            string script = Path.Combine(Path.GetDirectoryName(frozenPlan)!, $"stage{array.Stage}.sbatch");
            File.WriteAllText(script, array.Script);
            var after = array.After.Concat(submitted.Where(s => s.Stage < array.Stage).Select(s => s.Job)).Distinct().ToArray();
            string? dependency = after.Length == 0 ? null : "afterany:" + string.Join(':', after);
            var arguments = new List<string> { "--parsable" };
            if (dependency is not null) arguments.Add($"--dependency={dependency}");
            arguments.Add(script);
            var (code, stdout, stderr) = Run("sbatch", arguments);
            if (code != 0) throw new InvalidOperationException($"sbatch failed (exit {code}) for {script}: {stderr.Trim()}");
            string job = stdout.Trim().Split(';')[0];
            if (!long.TryParse(job, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw new InvalidOperationException($"sbatch --parsable printed '{stdout.Trim()}', not a job id.");
            var submission = new GridSubmission(job, array.Stage, array.Points.Select(p => p.Index).ToArray(), frozenPlan, script, dependency, DateTimeOffset.UtcNow);
            state.Add(submission);
            submitted.Add(submission);
        }
        return submitted;
    }

    /// <summary>This user's Slurm tasks, "ARRAYJOB_TASK" → state and reason (<c>squeue --me -r</c>); an error message
    /// instead when squeue cannot be run or fails.</summary>
    public static (IReadOnlyDictionary<string, SlurmTask>? Tasks, string? Error) Queue()
    {
        try
        {
            var (code, stdout, stderr) = Run("squeue", new[] { "--me", "--noheader", "--array", "--format=%F|%K|%T|%r" });
            if (code != 0) return (null, $"squeue exit {code}: {stderr.Trim()}");
            var tasks = new Dictionary<string, SlurmTask>(StringComparer.Ordinal);
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var f = line.Split('|');
                if (f.Length == 4 && f[1] != "N/A") tasks[$"{f[0]}_{f[1]}"] = new SlurmTask(f[2], f[3]);
            }
            return (tasks, null);
        }
        catch (InvalidOperationException e) { return (null, e.Message); }
    }

    /// <summary>Slurm's final state of finished tasks ("JOB_TASK" → "TIMEOUT, exit 0:15") from <c>sacct</c>; empty where
    /// accounting is off (no slurmdbd), which is common on small clusters.</summary>
    public static IReadOnlyDictionary<string, string> Accounting(IEnumerable<string> jobs)
    {
        var ids = jobs.Distinct().ToArray();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ids.Length == 0) return result;
        try
        {
            var (code, stdout, _) = Run("sacct", new[] { "--noheader", "--parsable2", "--allocations", "--jobs", string.Join(',', ids), "--format=JobID,State,ExitCode" });
            if (code != 0) return result;
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (line.Split('|') is [var id, var state, var exit]) result[id] = $"{state}, exit {exit}";
        }
        catch (InvalidOperationException) { }
        return result;
    }

    /// <summary>Runs a Slurm client command; a missing command is an <see cref="InvalidOperationException"/> that says so.</summary>
    private static (int Code, string Stdout, string Stderr) Run(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000)) { process.Kill(); throw new InvalidOperationException($"{command} did not answer within 60 s."); }
            return (process.ExitCode, stdout, stderr.Result);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{command} could not be run ({e.Message}): rsir grid submit and status need the Slurm client commands (sbatch, squeue) on PATH, as on a cluster's login node.", e);
        }
    }

    /// <summary>A word for bash: single-quoted unless it is plainly safe.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
