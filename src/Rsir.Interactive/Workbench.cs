using Rsir.Data;
using Rsir.Experiments;
using Rsir.Models;
using Rsir.Runtime;
using TorchSharp;

namespace Rsir.Interactive;

/// <summary>What a notebook runs with: the profile, the device, the machine and the commit. Shown by the first cell.
/// <c>DeviceName</c> is what was asked for (auto, cpu, cuda…), for options records such as TrainingRunOptions.Device;
/// <c>Device</c> is what it resolved to.</summary>
public sealed record WorkbenchSession(WorkbenchProfile Profile, string DeviceName, torch.Device Device,
    string DeviceDescription, string Machine, string OpenMpWaitPolicy, string Commit, DateTimeOffset Started)
{
    public override string ToString() =>
        $"RSIR Workbench — profile {Profile.Describe()}; device {DeviceDescription}; machine {Machine}; " +
        $"OMP_WAIT_POLICY {OpenMpWaitPolicy}; commit {Commit}; started {Started:yyyy-MM-dd HH:mm} UTC";
}

/// <summary>
/// The notebooks' entry point. <see cref="Setup"/> (the first cell) registers the chart and table formatters once,
/// reads the profile (<c>RSIR_PROFILE</c>: quick | paper), picks the device (<c>RSIR_DEVICE</c>, default auto: CUDA
/// when available, else CPU) and says which; <see cref="Load"/> reads a dataset at the profile's size.
/// </summary>
public static class Workbench
{
    public const string DeviceVariable = "RSIR_DEVICE";
    private static WorkbenchSession? current;

    /// <summary>The session of the last <see cref="Setup"/>, or a fresh one.</summary>
    public static WorkbenchSession Current => current ?? Setup();

    public static WorkbenchProfile Profile => Current.Profile;
    public static torch.Device Device => Current.Device;

    /// <summary>Registers the formatters (once per process), resolves profile and device, and returns the session,
    /// which the notebook shows as a small table.</summary>
    /// <param name="profile">quick or paper; null reads <c>RSIR_PROFILE</c> (default quick).</param>
    /// <param name="device">auto, cpu, cuda or cuda:N; null reads <c>RSIR_DEVICE</c> (default auto).</param>
    public static WorkbenchSession Setup(string? profile = null, string? device = null)
    {
        Formatters.Register();
        var chosenProfile = profile is null ? WorkbenchProfile.FromEnvironment() : WorkbenchProfile.Named(profile);
        string deviceName = device ?? NullIfEmpty(Environment.GetEnvironmentVariable(DeviceVariable)) ?? "auto";
        string waitPolicy = Interactive.OpenMpWaitPolicy.PreferPassive();   // before libtorch (and its OpenMP) loads
        var resolved = ComputeDevice.Resolve(deviceName);
        var run = RunInfo.Capture(ComputeDevice.Describe(resolved));
        current = new WorkbenchSession(chosenProfile, deviceName, resolved, run.Device,
            $"{run.Cpu}, {run.Cores} cores, {run.Os}, {run.Framework}; {run.Settings}", waitPolicy, run.Commit, run.Started);
        return current;
    }

    /// <summary>Loads a dataset by name (beauty, sports, toys; yelp and ml-1m from RSIR_DATA_DIR) at the profile's
    /// size; <paramref name="loop"/> takes the smaller slice used by the notebooks that train many models.</summary>
    public static LoadedDataset Load(string name, bool loop = false) =>
        DatasetCatalog.FromEnvironment().Load(name, Profile.LoadOptions(loop));

    /// <summary>A freshly initialised backbone ("sasrec", "cl4srec", "hstu" or a preset such as "sasrec-small") for
    /// <paramref name="dataset"/>, seeded like the CLI's runs and moved to the session's device.</summary>
    public static SequentialRecommender CreateModel(string kind, Dataset dataset, long seed = 2023)
    {
        return Backbones.Build(Backbones.Preset(kind), dataset.ItemCount, dataset.Name, seed, Device);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
