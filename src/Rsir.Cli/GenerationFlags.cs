using System.CommandLine;
using Rsir.Generation;

namespace Rsir.Cli;

/// <summary>The generation settings a command line may change (loop, generate); unset flags keep the given defaults.</summary>
internal sealed class GenerationFlags
{
    public readonly Option<double?> Tau = new("--tau") { Description = "Judge rank threshold (default 20)" };
    public readonly Option<double?> P = new("--p") { Description = "Probability of the user's-own pool at each step (default 0.5)" };
    public readonly Option<int?> M = new("--m") { Description = "Synthetic copies per seed row (default 5)" };
    public readonly Option<bool> NoJudge = new("--no-judge") { Description = "Ablation: no fidelity control (tau = infinity)" };
    public readonly Option<SeedRows?> Seeds = new("--seeds") { Description = "Seed rows for generation: All (D_k, released code) or RealOnly" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Tau, P, M, NoJudge, Seeds }) command.Options.Add(option);
    }

    public GenerationOptions Apply(ParseResult parse, GenerationOptions generation)
    {
        if (parse.GetValue(Tau) is { } tau) generation = generation with { Tau = tau };
        if (parse.GetValue(P) is { } p) generation = generation with { P = p };
        if (parse.GetValue(M) is { } m) generation = generation with { M = m };
        if (parse.GetValue(Seeds) is { } seeds) generation = generation with { SeedRows = seeds };
        if (parse.GetValue(NoJudge)) generation = generation.WithoutFidelityControl();
        return generation.Validate();
    }
}
