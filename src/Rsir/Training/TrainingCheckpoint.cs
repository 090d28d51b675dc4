using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rsir.Data;
using Rsir.Models;
using Rsir.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rsir.Training;

/// <summary>
/// Where a fit stands after a finished epoch, so that a stopped run continues exactly as if it had not stopped: the
/// early-stopping bookkeeping, the epoch log and how far the shuffle's generator has drawn; and, in the same file, the
/// weights, the best weights so far, Adam's moments and the states of dropout's and the negatives' generators.
/// One file, replaced atomically after every epoch. CPU only: TorchSharp 0.107 cannot read a CUDA generator's state.
/// </summary>
public sealed record TrainingCheckpoint(string Fingerprint, int Epoch, int BestEpoch, double BestScore,
    int EpochsWithoutImprovement, double TrainSeconds, double ElapsedSeconds, long ShuffleDraws, IReadOnlyList<EpochReport> Epochs)
{
    private const string Magic = "rsir-training-checkpoint/1";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static bool SupportedOn(Device device) => device.type == DeviceType.CPU;

    /// <summary>What must be the same to resume: the recipe, the computation paths, the model's shape and every training row.</summary>
    public static string FingerprintOf(TrainingOptions options, ExecutionPaths paths, RandomDraws negatives, SequentialRecommender model, Dataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add(JsonSerializer.Serialize(options, Json));
        Add(paths.ToString());
        Add(negatives.ToString());
        Add(model.GetType().FullName!);
        foreach (var (name, tensor) in model.state_dict()) Add($"{name} {string.Join('x', tensor.shape)}");
        Add($"{data.TrainRows.Count} training rows, {data.Validation.Count} validation users");
        foreach (var row in data.TrainRows)
        {
            hash.AppendData(BitConverter.GetBytes(row.Items.Length));
            hash.AppendData(MemoryMarshal.AsBytes(row.Items.AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public void Save(string file, SequentialRecommender model, Dictionary<string, Tensor> best, OptimizerHelper optimizer, DeviceRandom negatives)
    {
        AtomicFile.Write(file, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(this, Json));
            model.save(writer);
            writer.Write(best.Count);
            foreach (var (name, tensor) in best)
            {
                writer.Write(name);
                tensor.Save(writer);
            }
            optimizer.save_state_dict(writer);
            WriteBytes(writer, DeviceRandom.DefaultCpuState());
            WriteBytes(writer, negatives.SaveState());
        });
    }

    /// <summary>Reads <paramref name="file"/> back into the model, the best weights, the optimizer and the generators.
    /// A checkpoint of other training (another fingerprint) or an unreadable file is an error naming the file.</summary>
    public static TrainingCheckpoint Restore(string file, string fingerprint, SequentialRecommender model,
        Dictionary<string, Tensor> best, OptimizerHelper optimizer, DeviceRandom negatives)
    {
        using var stream = File.OpenRead(file);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        TrainingCheckpoint? state;
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException("it does not start with the checkpoint marker");
            state = JsonSerializer.Deserialize<TrainingCheckpoint>(reader.ReadString(), Json);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or JsonException or IOException)
        {
            throw new InvalidDataException($"'{file}' is not a readable training checkpoint ({e.Message}); delete it to train this model from the start.", e);
        }
        if (state is null || state.Fingerprint != fingerprint)
            throw new InvalidOperationException(
                $"'{file}' is a checkpoint of other training (other options, model or training rows); delete it to train this model from the start.");

        using (no_grad())
        {
            model.load(reader);
            int count = reader.ReadInt32();
            if (count != best.Count) throw new InvalidDataException($"'{file}' holds {count} best-weight tensors; the model has {best.Count}.");
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                if (!best.TryGetValue(name, out var tensor)) throw new InvalidDataException($"'{file}' holds a best weight '{name}' the model does not have.");
                TensorExtensionMethods.Load(tensor, reader);
            }
        }
        optimizer.load_state_dict(reader);
        DeviceRandom.RestoreDefaultCpuState(ReadBytes(reader)!);
        negatives.RestoreState(ReadBytes(reader));
        return state;
    }

    private static void WriteBytes(BinaryWriter writer, byte[]? bytes)
    {
        writer.Write(bytes?.Length ?? -1);
        if (bytes is not null) writer.Write(bytes);
    }

    private static byte[]? ReadBytes(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        return length < 0 ? null : reader.ReadBytes(length);
    }
}
