using Rsir.Data;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rsir.Generation;
using Rsir.Runtime;
using Rsir.Training;

namespace Rsir.Experiments;

/// <summary>The generation setting a sensitivity sweep varies.</summary>
public enum SweepParameter
{
    /// <summary>The judge's rank threshold τ (+∞ = no judge).</summary>
    Tau,
    /// <summary>Copies per seed row.</summary>
    M,
    /// <summary>Probability of the user's own pool.</summary>
    P,
}

public sealed record SweepOptions
{
    /// <summary>Everything but the swept setting; <see cref="RsirLoopOptions.Rounds"/> RSIR rounds per point (≥ 1).</summary>
    public RsirLoopOptions Loop { get; init; } = new() { Rounds = 1 };
    public SweepParameter Parameter { get; init; } = SweepParameter.Tau;
    public IReadOnlyList<double> Values { get; init; } = new double[] { 1, 3, 5, 10, 20, 50, 100 };

    public SweepOptions Validate()
    {
        Loop.Validate();
        if (Loop.Rounds < 1) throw new ArgumentOutOfRangeException(nameof(Loop), $"A sweep point runs at least one RSIR round; got Rounds = {Loop.Rounds}.");
        if (!Enum.IsDefined(Parameter)) throw new ArgumentOutOfRangeException(nameof(Parameter), $"Unknown sweep parameter {Parameter}.");
        if (Values.Count == 0) throw new ArgumentException("A sweep needs at least one value.", nameof(Values));
        if (Values.Distinct().Count() != Values.Count) throw new ArgumentException($"Sweep values repeat: {string.Join(", ", Values)}.", nameof(Values));
        foreach (var value in Values) PointOptions(value);
        return this;
    }

    /// <summary>The loop options of the point <paramref name="value"/> (validated).</summary>
    public RsirLoopOptions PointOptions(double value)
    {
        var generation = Parameter switch
        {
            SweepParameter.Tau => Loop.Generation with { Tau = value },
            SweepParameter.P => Loop.Generation with { P = value },
            SweepParameter.M when value == Math.Floor(value) && value is >= 1 and <= int.MaxValue =>
                Loop.Generation with { M = (int)value, BatchSize = Math.Max(Loop.Generation.BatchSize, (int)value) },
            SweepParameter.M => throw new ArgumentOutOfRangeException(nameof(Values), $"M must be a whole number ≥ 1; got {value}."),
            _ => throw new ArgumentOutOfRangeException(nameof(Parameter)),
        };
        return (Loop with { Generation = generation }).Validate();
    }

    public static string Label(SweepParameter parameter, double value) =>
        $"{parameter.ToString().ToLowerInvariant()}-{(double.IsPositiveInfinity(value) ? "inf" : value.ToString("R", CultureInfo.InvariantCulture))}";
}

/// <summary>One point of a sweep: the value, and the loop's rounds (round 0 is the shared base model).</summary>
public sealed record SweepPoint(SweepParameter Parameter, double Value, IReadOnlyList<RoundResult> Rounds, bool Resumed = false)
{
    [JsonIgnore] public RoundResult Final => Rounds[^1];
    [JsonIgnore] public string Label => SweepOptions.Label(Parameter, Value);
}

public sealed record SweepResult(SweepOptions Options, RoundResult Base, IReadOnlyList<SweepPoint> Points, string Folder)
{
    /// <summary>One row per point, as named columns: the swept value, the last round's test metrics and their change from
    /// the base model, and what generation added (<c>sweep.csv</c>; <c>Rsir.Interactive</c> shows it as a DataFrame).</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<object> Values)> Columns()
    {
        var columns = new List<(string, IReadOnlyList<object>)>
        {
            (Options.Parameter.ToString().ToLowerInvariant(), Points.Select(p =>
                (object)(double.IsPositiveInfinity(p.Value) ? "inf" : p.Value.ToString("R", CultureInfo.InvariantCulture))).ToArray()),
        };
        foreach (var metric in new[] { "recall@10", "recall@20", "ndcg@10", "ndcg@20" })
        {
            columns.Add((metric, Points.Select(p => (object)p.Final.Test.GetValueOrDefault(metric, double.NaN)).ToArray()));
            columns.Add(($"delta_{metric}", Points.Select(p => (object)(p.Final.Test.GetValueOrDefault(metric, double.NaN)
                - Base.Test.GetValueOrDefault(metric, double.NaN))).ToArray()));
        }
        columns.Add(("synthetic_rows", Points.Select(p => (object)p.Final.SyntheticRows).ToArray()));
        columns.Add(("mean_synthetic_length", Points.Select(p => (object)(p.Final.Generation?.MeanLength ?? double.NaN)).ToArray()));
        columns.Add(("judge_pass_rate", Points.Select(p => (object)(p.Final.Generation?.JudgePassRate ?? double.NaN)).ToArray()));
        columns.Add(("density", Points.Select(p => (object)p.Final.Density).ToArray()));
        return columns;
    }
}

/// <summary>
/// A sensitivity sweep over one generation setting: the base model f_0 is trained once (folder base/), and every value
/// is one RSIR loop (points/&lt;param&gt;-&lt;value&gt;/) that starts from a copy of that base round and runs the
/// given rounds with the value set. A finished point writes points/&lt;param&gt;-&lt;value&gt;.json; a sweep started
/// again in the same folder skips those points (and an unfinished point's loop resumes after its last finished
/// round). Values can be added later; the other settings must stay as they were (sweep.json).
/// </summary>
public sealed class Sweep
{
    private readonly SweepOptions options;

    private readonly DatasetCatalog? data;

    /// <summary>A sweep of <paramref name="options"/>; <paramref name="data"/>: where named datasets are found (null:
    /// <see cref="DatasetCatalog.FromEnvironment"/>).</summary>
    public Sweep(SweepOptions options, DatasetCatalog? data = null)
    {
        this.options = options.Validate();
        this.data = data;
    }

    public event Action<SweepPoint>? PointCompleted;
    public event Action<string, string>? Stage;
    public event Action<string, int, EpochReport>? EpochCompleted;

    public SweepResult Run(string folder, CancellationToken cancellation = default)
    {
        var root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        CheckSettings(root);

        var baseFolder = Path.Combine(root, "base");
        bool baseSaved = File.Exists(Path.Combine(baseFolder, LoopFolder.RoundFolderName(0), "done"));
        Stage?.Invoke("base", baseSaved ? "base model f_0 already trained" : "training the base model f_0 (shared by every point)");
        var baseLoop = Loop(options.Loop with { Rounds = 0 }, "base");
        var baseRound = baseLoop.Run(baseFolder, cancellation).Rounds[0];

        var points = new List<SweepPoint>();
        foreach (var value in options.Values)
        {
            cancellation.ThrowIfCancellationRequested();
            var label = SweepOptions.Label(options.Parameter, value);
            var resultFile = Path.Combine(root, "points", label + ".json");
            if (File.Exists(resultFile))
            {
                var saved = ResultsFolder.ReadJson<SweepPoint>(resultFile);
                points.Add(saved with { Resumed = true });
                PointCompleted?.Invoke(points[^1]);
                continue;
            }

            var pointFolder = Path.Combine(root, "points", label);
            Stage?.Invoke(label, $"{options.Loop.Rounds} RSIR round(s) with {label}");
            var result = Loop(options.PointOptions(value), label).Run(pointFolder, cancellation, baseFrom: baseFolder);
            var point = new SweepPoint(options.Parameter, value, result.Rounds.Select(r => r with { Resumed = false }).ToArray());
            AtomicFile.WriteAllText(resultFile, JsonSerializer.Serialize(point, ResultsFolder.Json));
            points.Add(point);
            PointCompleted?.Invoke(point);
        }

        var sweep = new SweepResult(options, baseRound, points, root);
        WriteTable(root, sweep);
        return sweep;
    }

    /// <summary>Reads a sweep folder back (its settings, base round and finished points, in the order of their values).</summary>
    public static SweepResult Read(string folder)
    {
        var root = Path.GetFullPath(folder);
        var settingsFile = Path.Combine(root, "sweep.json");
        if (!File.Exists(settingsFile)) throw new FileNotFoundException($"'{root}' is not a sweep folder (it has no sweep.json).", settingsFile);
        var (parameter, loop) = ReadSettings(settingsFile);
        var baseRound = LoopFolder.Open(Path.Combine(root, "base")).ReadRound(0);
        var pointsFolder = Path.Combine(root, "points");
        var points = (Directory.Exists(pointsFolder) ? Directory.GetFiles(pointsFolder, "*.json") : Array.Empty<string>())
            .Select(f => ResultsFolder.ReadJson<SweepPoint>(f) with { Resumed = true })
            .OrderBy(p => p.Value).ToArray();
        if (points.Length == 0) throw new InvalidDataException($"'{root}' has no finished sweep point yet.");
        var options = new SweepOptions { Loop = loop, Parameter = parameter, Values = points.Select(p => p.Value).ToArray() };
        return new SweepResult(options, baseRound, points, root);
    }

    private RsirLoop Loop(RsirLoopOptions loopOptions, string label)
    {
        var loop = new RsirLoop(loopOptions, data);
        loop.Stage += (k, text) => Stage?.Invoke(label, $"round {k}: {text}");
        loop.EpochCompleted += (k, report) => EpochCompleted?.Invoke(label, k, report);
        return loop;
    }

    /// <summary>Everything but the values must match the sweep that started the folder.</summary>
    private void CheckSettings(string root)
    {
        var file = Path.Combine(root, "sweep.json");
        var json = JsonSerializer.Serialize(new SweepSettings(options.Parameter, options.Loop), ResultsFolder.Json);
        if (!File.Exists(file)) { AtomicFile.WriteAllText(file, json); return; }
        var saved = ReadSettings(file);
        if (saved.Parameter != options.Parameter || saved.Loop.Experiment() != options.Loop.Experiment())
            throw new InvalidOperationException(
                $"'{root}' holds a sweep with other settings ({file}); resume it with the same settings (values may differ) or choose another folder.");
    }

    // sweep.json: {"parameter": …, "loop": the loop's options}; the options of folders written before 2026-12-01 are in C# names.
    private static SweepSettings ReadSettings(string file)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(file));
        return new(ResultsFolder.Deserialize<SweepParameter>(settings.RootElement.GetProperty("parameter"), file),
            ResultsFolder.Deserialize<RsirLoopOptions>(settings.RootElement.GetProperty("loop"), file));
    }

    private static void WriteTable(string root, SweepResult sweep)
    {
        var columns = sweep.Columns();
        AtomicFile.WriteAllText(Path.Combine(root, "sweep.csv"), writer =>
        {
            writer.Write(string.Join(',', columns.Select(c => c.Name)) + "\n");
            for (int i = 0; i < sweep.Points.Count; i++)
                writer.Write(string.Join(',', columns.Select(c => Convert.ToString(c.Values[i], CultureInfo.InvariantCulture))) + "\n");
        });
    }
}

/// <summary>sweep.json: what a sweep folder holds (its device may change between sessions, nothing else).</summary>
internal sealed record SweepSettings(SweepParameter Parameter, RsirLoopOptions Loop);
