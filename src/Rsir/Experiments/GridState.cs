using System.Diagnostics;
using System.Text.Json;
using Rsir.Runtime;

namespace Rsir.Experiments;

/// <summary>One attempt at a point, as the process that ran it recorded it: written when it starts and again when it
/// ends (exit code, error). <c>Job</c> is the Slurm task ("1234_5") or null for a run on this machine.</summary>
public sealed record GridAttempt(string Point, int Index, string Host, int Pid, string? Job, string? Log,
    DateTimeOffset Started, DateTimeOffset? Ended = null, int? ExitCode = null, string? Error = null)
{
    /// <summary>An attempt starting now in this process; inside a Slurm array task it records the task and its log.</summary>
    public static GridAttempt Start(GridPoint point, string stateFolder)
    {
        string? job = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { Length: > 0 } array
                      && Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task ? $"{array}_{task}" : null;
        return new GridAttempt(point.Name, point.Index, Environment.MachineName, Environment.ProcessId, job,
            job is null ? null : GridState.LogFile(stateFolder, job), DateTimeOffset.UtcNow);
    }
}

/// <summary>One <c>sbatch</c> of a plan: the job array's id, the point indices it holds, the frozen plan copy and script
/// its tasks run, and the job ids it waited for.</summary>
public sealed record GridSubmission(string Job, int Stage, IReadOnlyList<int> Points, string Plan, string Script,
    string? Dependency, DateTimeOffset Submitted);

public enum GridPointState { Pending, Running, Done, Failed }

/// <summary>A point's state with the reason: <c>Active</c> when a Slurm task or a process on this machine holds it
/// (queued or running), so that a new submission leaves it alone.</summary>
public sealed record GridPointStatus(GridPoint Point, GridPointState State, string Detail, bool Active = false, string? Job = null, string? Log = null);

/// <summary>A Slurm task as <c>squeue</c> lists it (state such as PENDING or RUNNING, and the reason it waits).</summary>
public sealed record SlurmTask(string State, string Reason);

/// <summary>
/// The grid's own folder, <c>RESULTS/grid-PLAN/</c>: <c>submissions.json</c>, the frozen plan copies and sbatch scripts
/// of each submission, the tasks' logs (<c>logs/JOB_TASK.out</c>) and each point's last attempt
/// (<c>points/NAME.json</c>). A point's state comes from its results folder first, then from Slurm, then from these
/// records.
/// </summary>
public sealed class GridState(GridPlan plan)
{
    public string Folder => plan.StateFolder;
    private string SubmissionsFile => Path.Combine(Folder, "submissions.json");

    public static string LogFile(string stateFolder, string job) => Path.Combine(stateFolder, "logs", $"{job}.out");

    public string AttemptFile(GridPoint point) => Path.Combine(Folder, "points", point.Name + ".json");

    public GridAttempt? ReadAttempt(GridPoint point) => ReadJson<GridAttempt>(AttemptFile(point));

    public void Write(GridAttempt attempt) =>
        AtomicFile.WriteAllText(AttemptFile(plan.Points[attempt.Index]), JsonSerializer.Serialize(attempt, ResultsFolder.Json));

    public IReadOnlyList<GridSubmission> Submissions() => ReadJson<GridSubmission[]>(SubmissionsFile) ?? Array.Empty<GridSubmission>();

    public void Add(GridSubmission submission) =>
        AtomicFile.WriteAllText(SubmissionsFile, JsonSerializer.Serialize(Submissions().Append(submission).ToArray(), ResultsFolder.Json));

    private static T? ReadJson<T>(string file) where T : class
    {
        if (!File.Exists(file)) return null;
        try { return ResultsFolder.ReadJson<T>(file); }
        catch (JsonException e) { throw new InvalidDataException($"{file}: {e.Message}", e); }
    }

    /// <summary>
    /// Every point's state. <paramref name="queue"/>: the Slurm tasks <c>squeue</c> lists ("JOB_TASK" → state), needed
    /// only when the plan was submitted; null with <paramref name="queueError"/> when squeue could not be asked, and then
    /// a submitted point that is not finished stays pending rather than being called failed.
    /// <list type="number">
    /// <item>Its results folder is finished: done.</item>
    /// <item>Its task of the latest submission holding it is in the queue: running, or pending (queued, with Slurm's reason).</item>
    /// <item>Its last attempt ended with an error: failed, with the error. (One that ended well but whose folder is
    /// unfinished now, e.g. a loop asked for more rounds, is pending.)</item>
    /// <item>Its last attempt never ended: running if its process is alive on this machine; otherwise failed (killed,
    /// cancelled, out of time).</item>
    /// <item>A submission holds it but no attempt of that task exists and Slurm no longer lists the task: failed (the
    /// task ended before rsir started; see its log).</item>
    /// <item>Otherwise pending: not started, or unfinished (the next run resumes it).</item>
    /// </list>
    /// </summary>
    public IReadOnlyList<GridPointStatus> Status(IReadOnlyDictionary<string, SlurmTask>? queue = null, string? queueError = null)
    {
        var submissions = Submissions();
        var result = new List<GridPointStatus>();
        foreach (var point in plan.Points)
        {
            var folder = point.Inspect();
            var attempt = ReadAttempt(point);
            if (folder.State == GridFolder.Finished) { result.Add(new(point, GridPointState.Done, folder.Detail, Job: attempt?.Job, Log: attempt?.Log)); continue; }

            var submission = submissions.LastOrDefault(s => s.Points.Contains(point.Index));
            string? task = submission is null ? null : $"{submission.Job}_{point.Index}";
            string? taskLog = task is null ? null : LogFile(Folder, task);
            if (task is not null && queue is not null && queue.TryGetValue(task, out var queued))
            {
                bool running = queued.State is "RUNNING" or "COMPLETING" or "CONFIGURING";
                result.Add(new(point, running ? GridPointState.Running : GridPointState.Pending,
                    running ? $"Slurm task {task} running; {folder.Detail}" : $"queued as Slurm task {task} ({queued.State}, {queued.Reason}); {folder.Detail}",
                    Active: true, task, taskLog));
                continue;
            }

            bool attemptOfLatest = attempt is not null && (submission is null || attempt.Job == task || attempt.Started > submission.Submitted);
            if (attempt is not null && attemptOfLatest)
            {
                string where = attempt.Job is null ? $"on {attempt.Host}" : $"as Slurm task {attempt.Job}";
                if (attempt.Ended is not null && attempt.ExitCode == 0)   // finished once, unfinished now: more rounds asked for, or files removed
                    result.Add(new(point, GridPointState.Pending, folder.Detail));
                else if (attempt.Ended is not null)
                    result.Add(new(point, GridPointState.Failed, $"exit {attempt.ExitCode} {where}: {attempt.Error ?? "no error message"}", Job: attempt.Job, Log: attempt.Log));
                else if (attempt.Job is null && attempt.Host == Environment.MachineName && IsAlive(attempt.Pid))
                    result.Add(new(point, GridPointState.Running, $"running on this machine (process {attempt.Pid}); {folder.Detail}", Active: true));
                else if (attempt.Job is not null && queue is null)
                    result.Add(new(point, GridPointState.Pending, $"started {where}; Slurm could not be asked ({queueError}); {folder.Detail}", Job: attempt.Job, Log: attempt.Log));
                else
                    result.Add(new(point, GridPointState.Failed,
                        $"the run {where} ended without a result (killed, cancelled or out of time); {folder.Detail}", Job: attempt.Job, Log: attempt.Log));
                continue;
            }
            if (task is not null)
            {
                result.Add(queue is null
                    ? new(point, GridPointState.Pending, $"submitted as Slurm task {task}; Slurm could not be asked ({queueError}); {folder.Detail}", Job: task, Log: taskLog)
                    : new(point, GridPointState.Failed, $"Slurm task {task} ended before rsir started (see its log)", Job: task, Log: taskLog));
                continue;
            }
            result.Add(new(point, GridPointState.Pending, folder.Detail));
        }
        return result;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
