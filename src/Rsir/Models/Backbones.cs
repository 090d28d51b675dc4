using Rsir.Data.Augmentation;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Models;

/// <summary>
/// Builds a backbone by kind ("sasrec", "cl4srec", "hstu") and names size presets ("sasrec-small", "hstu-large", …),
/// e.g. for weak-to-strong teachers.
/// </summary>
public static class Backbones
{
    public static IReadOnlyList<string> Kinds { get; } = ["sasrec", "cl4srec", "hstu"];

    /// <summary>Sizes by suffix; "&lt;kind&gt;-base" is the paper's default (2 layers, Dim 64, 2 heads, FFN 128).</summary>
    private static readonly IReadOnlyDictionary<string, Func<BackboneOptions, BackboneOptions>> Sizes =
        new Dictionary<string, Func<BackboneOptions, BackboneOptions>>
        {
            ["small"] = o => o with { Layers = 1, Dim = 32, Heads = 2, FeedForward = 64 },
            ["base"] = o => o,
            ["large"] = o => o with { Layers = 4, Dim = 128, Heads = 4, FeedForward = 256 },
        };

    /// <summary>Every preset name: "&lt;kind&gt;-&lt;size&gt;" for size small, base and large.</summary>
    public static IReadOnlyList<string> PresetNames { get; } =
        Kinds.SelectMany(kind => Sizes.Keys.Select(size => $"{kind}-{size}")).ToArray();

    /// <summary>The options of a preset such as "sasrec-small" (1 layer, Dim 32), or of a bare kind (its defaults).</summary>
    public static BackboneOptions Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string normalised = name.Trim().ToLowerInvariant();
        int dash = normalised.LastIndexOf('-');
        string kind = dash < 0 ? normalised : normalised[..dash];
        string size = dash < 0 ? "base" : normalised[(dash + 1)..];
        if (!Kinds.Contains(kind) || !Sizes.TryGetValue(size, out var resize))
            throw new ArgumentException(
                $"Unknown backbone preset '{name}'; known presets: {string.Join(", ", PresetNames)} (or a bare kind: {string.Join(", ", Kinds)}).",
                nameof(name));
        return resize(new BackboneOptions { Kind = kind }).Validate();
    }

    /// <summary>
    /// The one way to make a model for a run: seed torch's default generators with <paramref name="seed"/>, create the
    /// backbone (its weights drawn on the CPU, so every device starts from the same ones), move it to
    /// <paramref name="device"/>. Loading saved weights afterwards replaces them.
    /// </summary>
    public static SequentialRecommender Build(BackboneOptions options, int itemCount, string? dataset, long seed, Device device)
    {
        DeviceRandom.SeedDefaultGenerators(seed);
        var model = Create(options, itemCount, dataset);
        if (device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    /// <summary>A freshly initialised backbone of <paramref name="options"/>.Kind over items 1..<paramref name="itemCount"/>.
    /// <paramref name="dataset"/> picks CL4SRec's augmentation ratios unless the options set them.</summary>
    public static SequentialRecommender Create(BackboneOptions options, int itemCount, string? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (itemCount < 1) throw new ArgumentOutOfRangeException(nameof(itemCount), $"itemCount must be ≥ 1; got {itemCount}.");
        return (options.Kind ?? "").Trim().ToLowerInvariant() switch
        {
            "sasrec" => new SasRec(itemCount, options),
            "cl4srec" => new Cl4SRec(itemCount, options, options.Augmentation ?? AugmentationRatios.ForDataset(dataset)),
            "hstu" => new Hstu(itemCount, options),
            _ => throw new ArgumentException(
                $"Unknown backbone kind '{options.Kind}'; known kinds: {string.Join(", ", Kinds)}. " +
                $"For a size preset such as 'sasrec-small' use Backbones.Create(\"sasrec-small\", …) or Backbones.Preset.",
                nameof(options)),
        };
    }

    /// <summary>A backbone from a preset or kind name, e.g. Create("sasrec-small", itemCount).</summary>
    public static SequentialRecommender Create(string presetOrKind, int itemCount, string? dataset = null) =>
        Create(Preset(presetOrKind), itemCount, dataset);
}
