using Rsir.Data;
using Rsir.Generation;
using Rsir.Training;

namespace Rsir.Interactive;

/// <summary>
/// How big the notebooks' runs are. <c>quick</c> (the default) tells the whole story on a slice of each dataset in a
/// minute or two on a laptop CPU; <c>paper</c> uses the full datasets and the paper's settings (early stopping with
/// patience 20, up to 1000 epochs, m = 5, τ = 20), which takes hours on a CPU and is meant for a GPU.
/// Chosen with the environment variable <c>RSIR_PROFILE</c>.
/// </summary>
public sealed record WorkbenchProfile
{
    public const string Variable = "RSIR_PROFILE";

    public required string Name { get; init; }
    /// <summary>Load only users 1..LimitUsers of each dataset (null: every user).</summary>
    public int? LimitUsers { get; init; }
    /// <summary>Smaller slice for notebooks that train many models (rounds, ablations).</summary>
    public int? LoopLimitUsers { get; init; }
    public int MaxEpochs { get; init; }
    public int Patience { get; init; }
    /// <summary>RSIR rounds after the base model in the rounds notebook.</summary>
    public int Rounds { get; init; }
    /// <summary>Copies per seed row (m) in the rounds and ablation notebooks.</summary>
    public int Copies { get; init; }
    /// <summary>The τ values of the sensitivity study (∞ = no judge).</summary>
    public IReadOnlyList<double> TauGrid { get; init; } = Array.Empty<double>();

    public static WorkbenchProfile Quick { get; } = new()
    {
        Name = "quick",
        LimitUsers = 1000,
        LoopLimitUsers = 600,
        MaxEpochs = 10,
        Patience = 3,
        Rounds = 2,
        Copies = 2,
        TauGrid = new[] { 5.0, 20.0, double.PositiveInfinity },
    };

    public static WorkbenchProfile Paper { get; } = new()
    {
        Name = "paper",
        LimitUsers = null,
        LoopLimitUsers = null,
        MaxEpochs = new TrainingOptions().MaxEpochs,
        Patience = new TrainingOptions().Patience,
        Rounds = 3,
        Copies = new GenerationOptions().M,
        TauGrid = new[] { 5.0, 10.0, 20.0, 50.0, 100.0, double.PositiveInfinity },
    };

    public static IReadOnlyList<WorkbenchProfile> All { get; } = new[] { Quick, Paper };

    /// <summary>The profile named by <c>RSIR_PROFILE</c> (quick when unset).</summary>
    public static WorkbenchProfile FromEnvironment() => Named(Environment.GetEnvironmentVariable(Variable));

    public static WorkbenchProfile Named(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Quick;
        return All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"{Variable}='{name}' is not a profile; use one of {string.Join(", ", All.Select(p => p.Name))}.");
    }

    public bool IsQuick => Name == Quick.Name;

    /// <summary>The paper's training recipe with this profile's epoch budget.</summary>
    public TrainingOptions Training => new() { MaxEpochs = MaxEpochs, Patience = Patience };

    /// <summary>The released code's generation options with this profile's number of copies.</summary>
    public GenerationOptions Generation => new() { M = Copies };

    /// <summary>Load options for a dataset in this profile (the slice for the loop notebooks when <paramref name="loop"/>).</summary>
    public DatasetLoadOptions LoadOptions(bool loop = false) => new(LimitUsers: loop ? LoopLimitUsers : LimitUsers);

    public string Describe()
    {
        string users = LimitUsers is int n ? $"first {n:N0} users of each dataset" : "every user";
        string loopUsers = LoopLimitUsers is int m ? $"{m:N0} users" : "every user";
        return $"{Name}: {users} ({loopUsers} for the RSIR loops), at most {MaxEpochs} epochs with patience {Patience}, " +
               $"{Rounds} RSIR rounds with m = {Copies}";
    }

    public override string ToString() => Describe();
}
