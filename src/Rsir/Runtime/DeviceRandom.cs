using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>Where a stream of random numbers is drawn.</summary>
public enum RandomDraws
{
    /// <summary>On a CPU generator of our own, then copied to the target device: the same numbers on every device.</summary>
    OnHost,
    /// <summary>
    /// On the target device's own default generator, seeded when the stream is made. For bulk draws on an accelerator
    /// (a step's training negatives), where copying from the host would cost more than the step; reproducible for the
    /// same seed and device type, not equal across device types. On the CPU this is torch's global CPU generator.
    /// </summary>
    OnDevice,
}

/// <summary>
/// The one home of randomness in the library. Weight initialisation and dropout use torch's default generators,
/// seeded by <see cref="SeedDefaultGenerators"/>; every other draw comes from a <see cref="DeviceRandom"/> stream.
/// TorchSharp 0.107 cannot make a generator on CUDA (<c>new torch.Generator(seed, cuda)</c> is a CPU generator,
/// dotnet/TorchSharp#1194, and a draw on CUDA with it throws), so a stream either draws on the host and moves the result
/// (<see cref="RandomDraws.OnHost"/>) or uses the device's default generator (<see cref="RandomDraws.OnDevice"/>).
/// </summary>
public sealed class DeviceRandom : IDisposable
{
    private readonly Generator? host;

    public DeviceRandom(ulong seed, Device target, RandomDraws draws = RandomDraws.OnHost)
    {
        ComputeDevice.EnsureLibTorch();
        Target = target;
        Draws = draws;
        if (draws == RandomDraws.OnHost) host = new Generator(seed, CPU);
        else SeedDefaultGenerator((long)seed, target);
    }

    public Device Target { get; }
    public RandomDraws Draws { get; }

    /// <summary>The stream for bulk draws on <paramref name="device"/>: our own generator on the CPU (host and device
    /// are one there, and CPU runs keep the numbers they always had), the device's generator elsewhere.</summary>
    public static RandomDraws BulkDrawsOn(Device device) => device.type == DeviceType.CPU ? RandomDraws.OnHost : RandomDraws.OnDevice;

    /// <summary>Uniform numbers in [0, 1) of the given shape, on <see cref="Target"/>.</summary>
    public Tensor Uniform(long[] shape, ScalarType dtype = ScalarType.Float32)
    {
        if (host is null) return rand(shape, dtype: dtype, device: Target);
        var drawn = dtype is ScalarType.Float32 or ScalarType.Float64
            ? CpuGeneratorReplay.Rand(host, shape, dtype)   // the same numbers as rand(…, generator: host), faster
            : rand(shape, dtype: dtype, device: CPU, generator: host);
        return Target.type == DeviceType.CPU ? drawn : drawn.to(Target);
    }

    /// <summary>Where the stream stands, for a training checkpoint: its host generator's state, or null when it draws
    /// from the device's default generator (on the CPU, <see cref="DefaultCpuState"/> holds that one).</summary>
    public byte[]? SaveState() => host is null ? null : StateOf(host);

    /// <summary>Puts the stream back where <see cref="SaveState"/> found it.</summary>
    public void RestoreState(byte[]? state)
    {
        if ((host is null) != (state is null))
            throw new InvariantException($"A saved random stream ({(state is null ? "default generator" : "own generator")}) does not fit this one ({Draws}).");
        if (host is not null) Restore(host, state!);
    }

    /// <summary>torch's default CPU generator's state (weight initialisation, dropout; CPU draws of an OnDevice stream).
    /// TorchSharp 0.107 has no way to read a CUDA generator's state.</summary>
    public static byte[] DefaultCpuState() => StateOf(CpuGeneratorReplay.DefaultGenerator);

    public static void RestoreDefaultCpuState(byte[] state) => Restore(CpuGeneratorReplay.DefaultGenerator, state);

    private static byte[] StateOf(Generator generator)
    {
        using var state = generator.get_state();
        return state.data<byte>().ToArray();
    }

    private static void Restore(Generator generator, byte[] state)
    {
        using var saved = tensor(state, dtype: ScalarType.Byte);
        generator.set_state(saved);
    }

    /// <summary>One seed for torch's default generators (CPU and every GPU): weight initialisation and dropout.</summary>
    public static void SeedDefaultGenerators(long seed)
    {
        ComputeDevice.EnsureLibTorch();
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    private static void SeedDefaultGenerator(long seed, Device device)
    {
        if (device.type == DeviceType.CPU) torch.manual_seed(seed);
        else if (device.type == DeviceType.CUDA) torch.cuda.manual_seed_all(seed);
        else throw new InvariantException($"No default generator known for device {device}.");
    }

    public void Dispose() => host?.Dispose();
}
