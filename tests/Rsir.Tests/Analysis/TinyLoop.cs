using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Tests.Experiments;
using Rsir.Training;

namespace Rsir.Tests.Analysis;

/// <summary>The smallest settings that still train, generate and judge: a toy dataset and one-epoch tiny SASRec.</summary>
internal static class TinyLoop
{
    public static RsirLoopOptions Options(string dataPath, int rounds = 1, double tau = 10) => new()
    {
        Run = new TrainingRunOptions
        {
            Dataset = dataPath, Device = "cpu",
            Backbone = new BackboneOptions { Dim = 8, Heads = 1, FeedForward = 16, Layers = 1, MaxLength = 12 },
            Training = new TrainingOptions { MaxEpochs = 1, Patience = 1, BatchSize = 128, Negatives = 16 },
        },
        Generation = new GenerationOptions { MaxLength = 12, Tau = tau, M = 2 },
        Rounds = rounds,
    };

    public static string WriteDataset(string folder) => RsirLoopTests.WriteToyDataset(folder, users: 90, items: 40, seed: 5);
}

/// <summary>One tiny loop folder (base + one round), made once for the tests that read loop folders back.</summary>
public sealed class TinyLoopFixture : IDisposable
{
    public string Folder { get; }
    public string DataPath { get; }
    public string LoopPath { get; }
    public RsirLoopResult Result { get; }

    public TinyLoopFixture()
    {
        Folder = Directory.CreateTempSubdirectory("rsir-analysis-").FullName;
        DataPath = TinyLoop.WriteDataset(Folder);
        LoopPath = Path.Combine(Folder, "loop");
        Result = new RsirLoop(TinyLoop.Options(DataPath)).Run(LoopPath);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
