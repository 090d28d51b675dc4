using System.Text.Json;
using System.Text.Json.Serialization;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Experiments;

/// <summary>Everything one training run needs; JSON-serialisable so a run can be repeated from its results folder.</summary>
public sealed record TrainingRunOptions
{
    public string Dataset { get; init; } = "beauty";
    public string? DataPath { get; init; }
    public int? LimitUsers { get; init; }
    public string Device { get; init; } = "auto";
    public BackboneOptions Backbone { get; init; } = new();
    public TrainingOptions Training { get; init; } = new();
    public EvaluationOptions Evaluation { get; init; } = new();
    /// <summary>Noise robustness: this share of the real training items is replaced by random items when the data is
    /// loaded (<see cref="Analysis.NoiseInjection"/>, seeded by the training seed); validation and test stay clean.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double TrainingNoise { get; init; }
    /// <summary>Allow TF32 matrix products on CUDA (<see cref="ComputeDevice.SetTf32"/>); off = exact fp32.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Tf32 { get; init; }

    /// <summary>The options without the device: what a run computes, not where (a run may resume on another device).</summary>
    public TrainingRunOptions Recipe() => this with { Device = "any" };

    /// <summary>The device these options ask for; also sets the process-wide matrix-product precision they ask for (TF32 on
    /// or off, libtorch's global switch, recorded in every run's <c>run.json</c> settings).</summary>
    public Device ResolveDeviceAndPrecision(string? device = null)
    {
        var resolved = ComputeDevice.Resolve(device ?? Device);
        ComputeDevice.SetTf32(Tf32);
        return resolved;
    }

    /// <summary>How a --config file is read: field names in any case, comments and trailing commas allowed, enums as
    /// names, NaN/Infinity as strings, and an unknown field (a typo) is an error rather than silently ignored. A file in
    /// snake_case (the "run" part of a loop's options.json, say) is read with <see cref="SnakeCaseConfigJson"/>.</summary>
    public static readonly JsonSerializerOptions ConfigJson = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static readonly JsonSerializerOptions SnakeCaseConfigJson = new(ConfigJson) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Reads options from a JSON file of TrainingRunOptions fields (missing fields keep their defaults); call
    /// <see cref="Validate"/> once any overrides are applied. A malformed file, a value of the wrong type or an unknown
    /// field is a <see cref="JsonException"/> naming the file and where in it.</summary>
    public static TrainingRunOptions FromJsonFile(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"Config file not found: {full}", full);
        TrainingRunOptions options;
        try
        {
            string text = File.ReadAllText(full);
            options = JsonSerializer.Deserialize<TrainingRunOptions>(text, InSnakeCase(text) ? SnakeCaseConfigJson : ConfigJson)
                      ?? throw new JsonException("the file holds null, not an object of TrainingRunOptions fields");
        }
        catch (JsonException e)
        {
            throw new JsonException($"{full}: {e.Message}", e.Path, e.LineNumber, e.BytePositionInLine, e);
        }
        return options;
    }

    // Names of one word read the same either way; a name with an underscore says the file is snake_case.
    private static bool InSnakeCase(string text)
    {
        static bool Any(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().Any(p => p.Name.Contains('_') || Any(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().Any(Any),
            _ => false,
        };
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return Any(document.RootElement);
        }
        catch (JsonException) { return false; }   // the reader below reports where the file is malformed
    }

    public TrainingRunOptions Validate()
    {
        Backbone.Validate(); Training.Validate(); Evaluation.Validate();
        new DatasetLoadOptions(Backbone.MaxLength, LimitUsers, DataPath).Validate();
        if (double.IsNaN(TrainingNoise) || TrainingNoise is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(TrainingNoise), $"The training noise share must be in [0, 1]; got {TrainingNoise}.");
        return this;
    }
}

public sealed record TrainingRunResult(TrainingRunOptions Options, DatasetOrigin Origin, RunInfo Run,
    TrainingResult Training, string? ResultsPath, SequentialRecommender Model);

/// <summary>Load a dataset, build a backbone, train it to early stop, test it, and write a results folder.</summary>
public static class TrainingRun
{
    /// <summary>D_0 as <paramref name="options"/> describe it (noise injected if they ask); <paramref name="data"/>: where
    /// named datasets are found (null: <see cref="DatasetCatalog.FromEnvironment"/>).</summary>
    public static LoadedDataset LoadDataset(TrainingRunOptions options, DatasetCatalog? data = null)
    {
        var loaded = (data ?? DatasetCatalog.FromEnvironment()).Load(options.Dataset,
            new DatasetLoadOptions(options.Backbone.MaxLength, options.LimitUsers, options.DataPath));
        if (options.TrainingNoise == 0) return loaded;
        return loaded with { Dataset = Analysis.NoiseInjection.Apply(loaded.Dataset, options.TrainingNoise, (int)options.Training.Seed).Data };
    }

    /// <summary>Trains to early stop and tests. <c>loadedOverride</c>: a dataset prepared by the caller (e.g. with augmented
    /// rows) instead of loading one; <c>extra</c>: anything to record in run.json (e.g. how the data was augmented);
    /// <c>data</c>: where named datasets are found (null: <see cref="DatasetCatalog.FromEnvironment"/>), recorded in run.json.</summary>
    public static TrainingRunResult Run(TrainingRunOptions options, string? resultsRoot = null, string? name = null,
        Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default, LoadedDataset? loadedOverride = null,
        object? extra = null, DatasetCatalog? data = null)
    {
        data ??= DatasetCatalog.FromEnvironment();
        // Everything that can fail on bad input (options, device, data, backbone) comes before the results folder,
        // so a run refused for bad input leaves no NAME.partial behind.
        options.Validate();
        var device = options.ResolveDeviceAndPrecision();
        var loaded = loadedOverride ?? LoadDataset(options, data);
        var run = RunInfo.Capture(ComputeDevice.Describe(device));
        var model = Backbones.Build(options.Backbone, loaded.Dataset.ItemCount, loaded.Origin.Name, options.Training.Seed, device);
        ResultsFolder? folder = null;
        var epochs = new List<EpochReport>();
        try
        {
            model.to(device);
            var trainer = new Trainer(options.Training, options.Evaluation);
            folder = resultsRoot is null ? null
                : ResultsFolder.Open(resultsRoot, name ?? ResultsFolder.DefaultName("train", loaded.Origin.Name, options.Backbone.Kind, options.Training.Seed));
            folder?.WriteJson("run.json", new { command = "train", options, dataset = loaded.Origin, data_folders = data.Folders, run, extra,
                training_rows = loaded.Dataset.TrainRows.Count, synthetic_rows = loaded.Dataset.TrainRows.Count - loaded.Dataset.RealRowCount });
            trainer.EpochCompleted += report =>
            {
                epochs.Add(report);
                folder?.WriteEpochs(epochs);
                onEpoch?.Invoke(report);
            };
            var result = trainer.Fit(model, loaded.Dataset, cancellation);

            string? path = null;
            if (folder is not null)
            {
                folder.WriteOutcome(result);
                AtomicFile.WriteVia(folder.File("model.bin"), temp => model.save(temp));
                path = folder.Complete();
            }
            return new TrainingRunResult(options, loaded.Origin, run, result, path, model);
        }
        catch (Exception e)
        {
            // Nothing worth keeping before the first finished epoch; after it, keep epochs.csv and say why it stopped.
            if (folder is not null && epochs.Count == 0) folder.Abandon();
            else if (folder is not null)
            {
                try { AtomicFile.WriteAllText(folder.File("error.txt"), $"{e.GetType().Name}: {e.Message}\n"); }
                catch (IOException) { }   // the original error matters more than its record
            }
            model.Dispose();
            throw;
        }
    }
}
