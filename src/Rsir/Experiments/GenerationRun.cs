using Rsir.Data;
using Rsir.Generation;
using Rsir.Models;

namespace Rsir.Experiments;

/// <summary>How big a training set is: rows, interactions, next-item targets (what an epoch costs) and density.</summary>
public sealed record TrainingSetSize(int Rows, long Interactions, long Targets, double Density)
{
    public static TrainingSetSize Of(Dataset data) => new(data.TrainRows.Count,
        data.TrainRows.Sum(r => (long)r.Items.Length), data.TrainRows.Sum(r => (long)r.InputLength), data.TrainingDensity());
}

/// <summary>What one generation round from a saved model produced, and what it would add to D_k.</summary>
public sealed record GenerationRunResult(string Source, int FromRound, string Generator, GenerationRound Generated,
    TrainingSetSize Before, TrainingSetSize After, string? Folder);

/// <summary>
/// One generation round from the model a loop saved after round k, without training f_{k+1}: to look at what another
/// τ, p, m or the no-judge ablation would add to D_k (and what training on it would cost) before paying for it.
/// With the loop's own generation settings it repeats the loop's round k+1 exactly.
/// </summary>
public static class GenerationRun
{
    /// <summary>The settings the loop itself used for round k+1 (its generation options, seeded for that round).</summary>
    public static GenerationOptions LoopSettings(LoopFolder loop, int fromRound) =>
        loop.Options.Generation with { Seed = RsirLoop.RoundSeed(loop.Options.Generation, fromRound + 1) };

    /// <param name="loopFolder">A loop folder (<c>rsir loop</c>'s output).</param>
    /// <param name="fromRound">A finished round k of the loop; its model (the teacher's in a weak-to-strong run) generates from D_k.</param>
    /// <param name="generation">Null: the loop's own settings for round k+1 (<see cref="LoopSettings"/>).</param>
    /// <param name="outputFolder">Where synthetic.tsv, judge.json and generation.json go (written as a whole at the end); null: nowhere.</param>
    /// <param name="device">Null: the loop's device.</param>
    /// <param name="stage">Progress messages.</param>
    public static GenerationRunResult Run(string loopFolder, int? fromRound = null, GenerationOptions? generation = null,
        string? outputFolder = null, string? device = null, Action<string>? stage = null) =>
        Run(LoopFolder.Open(loopFolder), fromRound, generation, outputFolder, device, stage);

    public static GenerationRunResult Run(LoopFolder loop, int? fromRound = null, GenerationOptions? generation = null,
        string? outputFolder = null, string? device = null, Action<string>? stage = null)
    {
        int k = fromRound ?? loop.LastRound;
        loop.Finished(k);
        var settings = generation ?? LoopSettings(loop, k);
        (loop.Options with { Generation = settings }).Validate();   // the loop's own checks, e.g. MaxLength within the backbone's
        var results = outputFolder is null ? null
            : ResultsFolder.Open(Path.GetDirectoryName(Path.GetFullPath(outputFolder))!, Path.GetFileName(Path.GetFullPath(outputFolder)));
        try
        {
            var torchDevice = loop.Options.Run.ResolveDeviceAndPrecision(device);
            var initial = loop.LoadInitialData();
            var data = loop.TrainingSets(initial.Dataset).First(set => set.Round == k).Data;
            using var model = loop.LoadGenerator(k, data.ItemCount, torchDevice, initial.Origin.Name);
            stage?.Invoke($"generating from D_{k} ({data.TrainRows.Count:N0} rows) with round {k}'s {model.GetName()} (tau {settings.Tau}, p {settings.P}, m {settings.M})");
            var generated = new SyntheticSequenceGenerator(model, settings) { Progress = stage is null ? null : text => stage($"generating: {text}") }
                .Generate(data, k + 1);
            var result = new GenerationRunResult(loop.Path, k, model.GetName(), generated,
                TrainingSetSize.Of(data), TrainingSetSize.Of(generated.AppendTo(data)), results?.FinalPath);
            if (results is not null)
            {
                SyntheticRowsFile.Write(results.File(SyntheticRowsFile.Name), generated.Rows);
                results.WriteJson("judge.json", generated.Judge);
                results.WriteJson("generation.json", new
                {
                    source = loop.Path, from_round = k, generator = result.Generator, options = settings,
                    statistics = generated.Statistics, judge_pass_rate = generated.Statistics.JudgePassRate,
                    share_from_history = generated.Statistics.ShareFromHistory, before = result.Before, after = result.After,
                    run = RunInfo.Capture(Runtime.ComputeDevice.Describe(torchDevice)),
                });
                results.Complete();
            }
            return result;
        }
        catch
        {
            results?.Abandon();
            throw;
        }
    }
}
