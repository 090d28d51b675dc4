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
    /// <summary>How results files are written: snake_case names, like metrics.json, every CSV header and the command
    /// line's JSON. Read them back with <see cref="ReadJson{T}"/>, which also reads folders written before 2026-12-01 in
    /// the C# names (PascalCase).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly JsonSerializerOptions CSharpNamesJson = new(Json) { PropertyNamingPolicy = null };

    /// <summary>Reads a results file in either naming (see <see cref="Json"/>); a file holding null is an error naming it.</summary>
    public static T ReadJson<T>(string file)
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(file));
        return Deserialize<T>(document.RootElement, file);
    }

    /// <summary>Reads one value of a results file (<paramref name="file"/> names it in errors) in either naming.</summary>
    public static T Deserialize<T>(JsonElement element, string file) =>
        element.Deserialize<T>(InCSharpNames(element) ? CSharpNamesJson : Json)
        ?? throw new InvalidDataException($"{file} holds null where a {typeof(T).Name} was expected.");

    /// <summary>A member of a JSON object, looked up by its snake_case name and then by its C# name.</summary>
    public static bool TryGetMember(JsonElement element, string snakeName, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object
               && (element.TryGetProperty(snakeName, out value) || element.TryGetProperty(CSharpName(snakeName), out value));
    }

    // Written before 2026-12-01: C# property names, which begin with a capital; snake_case names never do.
    private static bool InCSharpNames(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Length > 0 && char.IsAsciiLetterUpper(p.Name[0])),
        JsonValueKind.Array => element.GetArrayLength() > 0 && InCSharpNames(element[0]),
        _ => false,
    };

    private static string CSharpName(string snakeName) =>
        string.Concat(snakeName.Split('_').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

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
