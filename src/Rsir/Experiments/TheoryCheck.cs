using System.Globalization;
using System.Text.Json;
using Rsir.Analysis;
using Rsir.Data;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;

namespace Rsir.Experiments;

public sealed record TheoryCheckOptions
{
    /// <summary>Training seed of the held-out reference judge; null = the loop's training seed + 1.</summary>
    public long? ReferenceSeed { get; init; }
    /// <summary>τ of the miss rate; null = the loop's τ, or 20 when the loop ran without the judge.</summary>
    public double? Tau { get; init; }
    /// <summary>Rank among catalogue items not in the context (see <see cref="MissRateOptions.ExcludeContext"/>).</summary>
    public bool ExcludeContext { get; init; }
    /// <summary>E = 1 − this validation metric.</summary>
    public string ErrorMetric { get; init; } = ErrorRecurrence.DefaultErrorMetric;
    public ShareBy ShareBy { get; init; } = ShareBy.Targets;
    /// <summary>E_max from a model trained on uninformative data (true) or the analytic random-ranking error (false).</summary>
    public bool TrainMaxErrorModel { get; init; } = true;
    /// <summary>Seed of the uninformative data set (and of its model's training).</summary>
    public int UninformativeSeed { get; init; } = 7;
    /// <summary>A given ρ instead of the least-squares fit.</summary>
    public double? Rho { get; init; }
    /// <summary>Device for the reference models; null = the loop's.</summary>
    public string? Device { get; init; }
    /// <summary>Where the reference judge and the E_max model are kept and reused; null = the loop folder's theory/.</summary>
    public string? ModelsFolder { get; init; }
}

/// <summary>The judged run's check and the unjudged run's, with ρ fitted on the judged rounds and shared models.</summary>
public sealed record TheoryComparison(TheoryCheckResult Judged, TheoryCheckResult Unjudged);

/// <summary>The reference's miss rate on the rows round k added, and on all synthetic rows of D_k.</summary>
public sealed record RoundMissRate(int Round, MissRate Added, MissRate AllSynthetic);

public sealed record TheoryCheckResult(ErrorRecurrenceTable Table, IReadOnlyList<RoundMissRate> MissRates, double MaxError,
    string MaxErrorSource, IReadOnlyDictionary<string, double> ReferenceValidation, double Tau, string Folder);

/// <summary>
/// Checks the error recurrence on a finished loop folder (see <see cref="ErrorRecurrence"/> for the terms). Trains
/// what the loop did not have: the held-out reference judge (same backbone and recipe, real data D_0, another seed)
/// and, unless the analytic value is asked for, the E_max model on uninformative data. Both are kept in the loop
/// folder's theory/ subfolder, named by seed, and reused when the check runs again.
/// </summary>
public static class TheoryCheck
{
    public static TheoryCheckResult Run(string loopFolder, TheoryCheckOptions? options = null, Action<string>? stage = null,
        CancellationToken cancellation = default)
    {
        var o = options ?? new TheoryCheckOptions();
        var loop = LoopFolder.Open(loopFolder);
        if (loop.Rounds.Count < 2) throw new InvalidOperationException($"'{loop.Path}' has no finished RSIR round after the base model; nothing to check.");
        var run = loop.Options.Run;
        var device = run.ResolveDeviceAndPrecision(o.Device);
        var loaded = loop.LoadInitialData();
        var initial = loaded.Dataset;
        double tau = o.Tau ?? (loop.Options.Generation.FidelityControl ? loop.Options.Generation.Tau : 20);
        long referenceSeed = o.ReferenceSeed ?? run.Training.Seed + 1;
        if (referenceSeed == run.Training.Seed)
            throw new ArgumentException($"The reference judge must use another seed than the loop ({run.Training.Seed}).", nameof(options));
        var folder = Path.Combine(loop.Path, "theory");
        Directory.CreateDirectory(folder);
        var models = o.ModelsFolder ?? folder;
        Directory.CreateDirectory(models);

        stage?.Invoke($"reference judge: {run.Backbone.Kind} on the real data, seed {referenceSeed}");
        var (reference, referenceValidation) = TrainedOrSaved(Path.Combine(models, $"reference-s{referenceSeed}"), initial, run,
            referenceSeed, loaded.Origin.Name, device, cancellation);

        double maxError;
        string maxErrorSource;
        if (o.TrainMaxErrorModel)
        {
            long seed = o.UninformativeSeed;
            stage?.Invoke($"E_max: {run.Backbone.Kind} on random sequences of D_0's lengths, seed {seed}");
            var uninformative = ErrorRecurrence.UninformativeDataset(initial, o.UninformativeSeed);
            var (model, validation) = TrainedOrSaved(Path.Combine(models, $"uninformative-s{seed}"), uninformative, run, seed,
                loaded.Origin.Name, device, cancellation);
            model.Dispose();
            maxError = ErrorRecurrence.Error(validation, o.ErrorMetric);
            maxErrorSource = $"model trained on uninformative data (seed {seed})";
        }
        else
        {
            int k = int.Parse(o.ErrorMetric.Split('@')[1], CultureInfo.InvariantCulture);
            maxError = ErrorRecurrence.RandomRankingError(initial, k, run.Evaluation.MaskHistory);
            maxErrorSource = "random ranking (analytic)";
        }

        var missOptions = new MissRateOptions { Tau = tau, ExcludeContext = o.ExcludeContext };
        var sets = loop.TrainingSets(initial).ToArray();
        var missRates = new List<RoundMissRate>();
        var added = new List<MissRate>();
        using (reference)
        {
            for (int k = 1; k < sets.Length; k++)
            {
                cancellation.ThrowIfCancellationRequested();
                stage?.Invoke($"miss rate of round {k}'s synthetic rows (τ {tau})");
                var prefix = JudgeMissRate.PrefixLengths(loop.Options.Generation.Prefix, sets[k - 1].Data.TrainRows);
                added.Add(JudgeMissRate.Measure(reference, sets[k].Added, prefix, missOptions));
                missRates.Add(new RoundMissRate(k, added[^1], MissRate.Pool(added)));
            }
        }

        var errors = loop.Rounds.Select(k => ErrorRecurrence.Error(loop.ReadRound(k).Validation, o.ErrorMetric)).ToArray();
        bool judged = loop.Options.Generation.FidelityControl;
        var steps = Enumerable.Range(0, sets.Length - 1).Select(k => new RecurrenceStep(k, errors[k], errors[k + 1],
            ErrorRecurrence.SyntheticShare(sets[k + 1].Data, o.ShareBy), Rate(missRates[k].AllSynthetic), judged)).ToArray();
        var table = ErrorRecurrence.Evaluate(steps, errors[0], maxError, o.Rho);
        var result = new TheoryCheckResult(table, missRates, maxError, maxErrorSource, referenceValidation, tau, folder);
        Save(folder, result, o);
        return result;
    }

    /// <summary>
    /// The paper's ablation as a check: the judged run fits ρ and measures every term; the unjudged run (same data and
    /// recipe, τ = ∞) is measured with the same reference judge, the same E_max and the judged run's ρ, so the two
    /// differ only in what the judge let through (λ_k, p̃_k) and in the errors that followed.
    /// </summary>
    public static TheoryComparison Compare(string judgedFolder, string unjudgedFolder, TheoryCheckOptions? options = null,
        Action<string>? stage = null, CancellationToken cancellation = default)
    {
        var o = options ?? new TheoryCheckOptions();
        LoopFolder judged = LoopFolder.Open(judgedFolder), unjudged = LoopFolder.Open(unjudgedFolder);
        if (!judged.Options.Generation.FidelityControl)
            throw new ArgumentException($"'{judged.Path}' ran without the judge; pass the judged run first and the unjudged run second.", nameof(judgedFolder));
        if (unjudged.Options.Generation.FidelityControl)
            throw new ArgumentException($"'{unjudged.Path}' ran with the judge (τ {unjudged.Options.Generation.Tau}); the comparison needs a --no-judge run.", nameof(unjudgedFolder));
        if (judged.Options.BaseRecipe() != unjudged.Options.BaseRecipe())
            throw new ArgumentException($"'{judged.Path}' and '{unjudged.Path}' use other data, backbone or training options; their errors cannot be compared.");
        var shared = o with { ModelsFolder = o.ModelsFolder ?? Path.Combine(judged.Path, "theory"), Tau = o.Tau ?? judged.Options.Generation.Tau };
        var first = Run(judged.Path, shared, stage, cancellation);
        var second = Run(unjudged.Path, shared with { Rho = first.Table.Rho.Value }, stage, cancellation);
        return new TheoryComparison(first, second);
    }

    /// <summary>The recurrence table a previous check saved in <c>LOOP/theory/theory.json</c> (e.g. a run made with the CLI).</summary>
    public static ErrorRecurrenceTable ReadTable(string loopFolder)
    {
        var file = Path.Combine(Path.GetFullPath(loopFolder), "theory", "theory.json");
        if (!File.Exists(file)) throw new FileNotFoundException($"No theory check saved for '{loopFolder}'; run `rsir theory --run {loopFolder}` first.", file);
        using var saved = JsonDocument.Parse(File.ReadAllText(file));
        return ResultsFolder.TryGetMember(saved.RootElement, "table", out var table)
            ? ResultsFolder.Deserialize<ErrorRecurrenceTable>(table, file)
            : throw new InvalidDataException($"{file} holds no recurrence table.");
    }

    /// <summary>A step-less round (nothing generated) has no miss rate; it adds no unfaithful data, so 0.</summary>
    private static double Rate(MissRate m) => m.Steps == 0 ? 0 : m.Rate;

    private static (SequentialRecommender Model, IReadOnlyDictionary<string, double> Validation) TrainedOrSaved(string stem,
        Dataset data, TrainingRunOptions run, long seed, string datasetName, torch.Device device, CancellationToken cancellation)
    {
        string modelFile = stem + ".bin", metricsFile = stem + ".json";
        var model = Backbones.Build(run.Backbone, data.ItemCount, datasetName, seed, device);
        if (File.Exists(modelFile) && File.Exists(metricsFile))
        {
            model.load(modelFile);
            var saved = ResultsFolder.ReadJson<Dictionary<string, double>>(metricsFile);
            return (model, saved);
        }
        var result = new Trainer(run.Training with { Seed = seed }, run.Evaluation).Fit(model, data, cancellation);
        if (result.Cancelled) throw new OperationCanceledException(cancellation);
        AtomicFile.WriteVia(modelFile, temp => model.save(temp));
        var validation = result.Validation.Metrics();
        AtomicFile.WriteAllText(metricsFile, JsonSerializer.Serialize(validation, ResultsFolder.Json));
        return (model, validation);
    }

    private static void Save(string folder, TheoryCheckResult result, TheoryCheckOptions options)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, "theory.json"), JsonSerializer.Serialize(new
        {
            options, result.Tau, result.MaxError, result.MaxErrorSource, reference_validation = result.ReferenceValidation,
            miss_rates = result.MissRates, result.Table,
        }, ResultsFolder.Json));
        AtomicFile.WriteAllText(Path.Combine(folder, "recurrence.csv"), writer =>
        {
            writer.Write("round,E_k,lambda_k,miss_rate_k,E_k+1,bound,slack,contraction_factor,contracts,within_bound,fixed_point,judged\n");
            foreach (var r in result.Table.Rows)
                writer.Write(string.Join(',', new object[] { r.Round, r.Error, r.SyntheticShare, r.MissRate, r.NextError, r.Bound, r.Slack,
                    r.ContractionFactor, r.Contracts, r.WithinBound, r.FixedPoint, r.Judged }
                    .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n");
        });
    }
}
