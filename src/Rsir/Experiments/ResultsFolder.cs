using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rsir.Runtime;

using Rsir.Evaluation;
using Rsir.Training;

namespace Rsir.Experiments;

/// <summary>
/// A run's results folder. Work goes into "NAME.partial/" and the folder is renamed to "NAME/" only when the run
/// finishes, so a folder without the suffix is always complete. Every file is written atomically.
/// </summary>
public sealed class ResultsFolder
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public string FinalPath { get; }
    public string WorkingPath { get; }
    public string Path => Directory.Exists(FinalPath) ? FinalPath : WorkingPath;

    private ResultsFolder(string finalPath)
    {
        FinalPath = finalPath;
        WorkingPath = finalPath + ".partial";
    }

    /// <summary>Opens the working folder for a run named <paramref name="name"/> under <paramref name="root"/>; a leftover
    /// NAME.partial is an unfinished attempt and is discarded.</summary>
    public static ResultsFolder Open(string root, string name)
    {
        var folder = new ResultsFolder(System.IO.Path.Combine(System.IO.Path.GetFullPath(root), name));
        if (Directory.Exists(folder.FinalPath) || System.IO.File.Exists(folder.FinalPath))
            throw new OutputLocationException($"Results folder '{folder.FinalPath}' already exists; choose another --out or --name.");
        folder.rootCreated = !Directory.Exists(System.IO.Path.GetDirectoryName(folder.FinalPath));
        if (Directory.Exists(folder.WorkingPath)) Directory.Delete(folder.WorkingPath, recursive: true);   // an unfinished attempt
        OutputLocation.CreateFolder(folder.WorkingPath, "results folder");
        return folder;
    }

    private bool rootCreated;

    /// <summary>Removes the working folder of a run that failed before it had anything worth keeping, and the results
    /// root too when <see cref="Open"/> created it and it is empty again.</summary>
    public void Abandon()
    {
        if (Directory.Exists(WorkingPath)) Directory.Delete(WorkingPath, recursive: true);
        string root = System.IO.Path.GetDirectoryName(FinalPath)!;
        if (rootCreated && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
            Directory.Delete(root);
    }

    public static string DefaultName(string command, string dataset, string backbone, long seed) =>
        $"{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{command}-{dataset}-{backbone}-s{seed}";

    public string File(string name) => System.IO.Path.Combine(WorkingPath, name);

    public void WriteJson<T>(string name, T value) =>
        AtomicFile.WriteAllText(File(name), JsonSerializer.Serialize(value, Json));

    public void WriteCsv(string name, IEnumerable<string> header, IEnumerable<IEnumerable<object>> rows) =>
        AtomicFile.WriteAllText(File(name), writer =>
        {
            writer.Write(string.Join(',', header) + "\n");
            foreach (var row in rows)
                writer.Write(string.Join(',', row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n");
        });

    /// <summary>epochs.csv: one line per epoch (loss, validation score, seconds, improvement).</summary>
    public void WriteEpochs(IEnumerable<EpochReport> epochs) =>
        WriteCsv("epochs.csv", new[] { "epoch", "loss", "validation_score", "train_seconds", "validation_seconds", "improved", "best_epoch" },
            epochs.Select(r => new object[] { r.Epoch, r.Loss, r.ValidationScore, r.TrainSeconds, r.ValidationSeconds, r.Improved, r.BestEpoch }));

    /// <summary>metrics.json, metrics.csv and test_ranks.csv of a trained model; <paramref name="prefix"/> names another
    /// model's copies in the same folder (a weak-to-strong teacher's: teacher_metrics.json, …).</summary>
    public void WriteOutcome(TrainingResult result, string prefix = "")
    {
        WriteJson(prefix + "metrics.json", new
        {
            protocol = result.Test.Protocol.ToString(),
            test = result.Test.Metrics(),
            validation = result.Validation.Metrics(),
            epochs_run = result.EpochsRun,
            best_epoch = result.BestEpoch,
            stop_reason = result.StopReason,
            seconds_per_epoch = result.SecondsPerEpoch,
            total_seconds = result.TotalSeconds,
        });
        WriteCsv(prefix + "metrics.csv", new[] { "split", "metric", "value" },
            result.Test.Metrics().Select(m => new object[] { "test", m.Key, m.Value })
                .Concat(result.Validation.Metrics().Select(m => new object[] { "validation", m.Key, m.Value })));
        WriteCsv(prefix + "test_ranks.csv", new[] { "user", "rank" },
            result.Test.Users.Zip(result.Test.Ranks, (u, r) => new object[] { u, r == RankingMetrics.Miss ? -1 : r }));
    }

    /// <summary>Marks the run complete: NAME.partial → NAME.</summary>
    public string Complete()
    {
        Directory.Move(WorkingPath, FinalPath);
        return FinalPath;
    }
}
