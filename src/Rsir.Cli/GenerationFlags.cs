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
    public readonly Option<PrefixPolicy?> Prefix = new("--prefix") { Description = "Where a sequence starts: FirstItem (released code) or RandomPrefix (the paper's text)" };
    public readonly Option<Decoding?> Decoding = new("--decoding") { Description = "Greedy (released code) or TopK sampling (the paper's text)" };
    public readonly Option<int?> TopK = new("--top-k") { Description = "Pool size k for --decoding TopK (default 10)" };
    public readonly Option<double?> Temperature = new("--temperature") { Description = "Softmax temperature for --decoding TopK (default 1)" };
    public readonly Option<JudgeFailurePolicy?> OnJudgeFailure = new("--on-judge-failure") { Description = "KeepLastItem (released code) or RollBack (the paper's text)" };
    public readonly Option<bool> RunToMaxLength = new("--run-to-max-length") { Description = "With --no-judge: only the maximum length stops a sequence (no stop when the user's real items are used up)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Tau, P, M, NoJudge, Seeds, Prefix, Decoding, TopK, Temperature, OnJudgeFailure, RunToMaxLength }) command.Options.Add(option);
    }

    public GenerationOptions Apply(ParseResult parse, GenerationOptions generation)
    {
        if (parse.GetValue(Tau) is { } tau) generation = generation with { Tau = tau };
        if (parse.GetValue(P) is { } p) generation = generation with { P = p };
        if (parse.GetValue(M) is { } m) generation = generation with { M = m };
        if (parse.GetValue(Seeds) is { } seeds) generation = generation with { SeedRows = seeds };
        if (parse.GetValue(Prefix) is { } prefix) generation = generation with { Prefix = prefix };
        if (parse.GetValue(Decoding) is { } decoding) generation = generation with { Decoding = decoding };
        if (parse.GetValue(TopK) is { } k) generation = generation with { K = k };
        if (parse.GetValue(Temperature) is { } temperature) generation = generation with { Temperature = temperature };
        if (parse.GetValue(OnJudgeFailure) is { } onFailure) generation = generation with { OnJudgeFailure = onFailure };
        if (parse.GetValue(RunToMaxLength)) generation = generation with { RunToMaxLength = true };
        if (parse.GetValue(NoJudge)) generation = generation.WithoutFidelityControl();
        return generation.Validate();
    }
}
