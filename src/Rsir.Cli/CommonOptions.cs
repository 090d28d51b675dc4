using System.CommandLine;
using Rsir.Experiments;
using Rsir.Training;

namespace Rsir.Cli;

/// <summary>Options shared by the commands that train; flags override the --config file, which overrides defaults.</summary>
internal sealed class CommonOptions
{
    public readonly Option<string> Dataset = new("--dataset") { Description = "beauty | sports | toys | yelp | ml-1m | a sequence file", DefaultValueFactory = _ => "beauty" };
    public readonly Option<string?> Data = new("--data") { Description = "Path to the dataset file (Yelp, ML-1M or your own)" };
    public readonly Option<int?> LimitUsers = new("--limit-users") { Description = "Use only users 1..N (quick slices)" };
    public readonly Option<string?> Backbone = new("--backbone") { Description = "sasrec | cl4srec | hstu, or a preset such as sasrec-small" };
    public readonly Option<string?> Device = new("--device") { Description = "auto | cpu | cuda | cuda:N" };
    public readonly Option<long?> Seed = new("--seed") { Description = "Random seed (default 2023)" };
    public readonly Option<int?> MaxEpochs = new("--max-epochs") { Description = "Most epochs (default 1000)" };
    public readonly Option<int?> Patience = new("--patience") { Description = "Early-stopping patience in epochs (default 20)" };
    public readonly Option<LossKind?> Loss = new("--loss") { Description = "SampledSoftmax | FullSoftmax | BinaryCrossEntropy" };
    public readonly Option<double?> Noise = new("--noise") { Description = "Replace this share of the real training items with random items (noise robustness; default 0)" };
    public readonly Option<bool> Tf32 = new("--tf32") { Description = "Allow TF32 matrix products on CUDA (faster on Ampere and later; no effect on the CPU)" };
    public readonly Option<FileInfo?> Config = new("--config") { Description = "JSON file with TrainingRunOptions fields" };
    public readonly Option<string> Out = new("--out") { Description = "Results root folder", DefaultValueFactory = _ => "results" };
    public readonly Option<bool> Json = new("--json") { Description = "Print one JSON object with the results as the last line" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Dataset, Data, LimitUsers, Backbone, Device, Seed, MaxEpochs, Patience, Loss, Noise, Tf32, Config, Out, Json })
            command.Options.Add(option);
    }

    public TrainingRunOptions Resolve(ParseResult parse)
    {
        var options = parse.GetValue(Config) is { } config ? TrainingRunOptions.FromJsonFile(config.FullName) : new TrainingRunOptions();
        var dataset = parse.GetResult(Dataset) is { Implicit: false } || parse.GetValue(Config) is null ? parse.GetValue(Dataset)! : options.Dataset;
        options = options with
        {
            Dataset = dataset,
            DataPath = parse.GetValue(Data) ?? options.DataPath,
            LimitUsers = parse.GetValue(LimitUsers) ?? options.LimitUsers,
            Device = parse.GetValue(Device) ?? options.Device,
            TrainingNoise = parse.GetValue(Noise) ?? options.TrainingNoise,
            Tf32 = parse.GetValue(Tf32) || options.Tf32,
        };
        if (parse.GetValue(Backbone) is { } backbone)
            options = options with { Backbone = Models.Backbones.Preset(backbone) with { MaxLength = options.Backbone.MaxLength } };
        var training = options.Training;
        if (parse.GetValue(Seed) is { } seed) training = training with { Seed = seed };
        if (parse.GetValue(MaxEpochs) is { } maxEpochs) training = training with { MaxEpochs = maxEpochs };
        if (parse.GetValue(Patience) is { } patience) training = training with { Patience = patience };
        if (parse.GetValue(Loss) is { } loss) training = training with { Loss = loss };
        return (options with { Training = training }).Validate();
    }
}
