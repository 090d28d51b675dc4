namespace Rsir.Analysis;

/// <summary>A reported change: <c>Reference</c> (what the paper compares against, e.g. its best non-RSIR model) and
/// <c>Value</c> (e.g. its best RSIR model), on one metric.</summary>
public sealed record PaperChange(string Dataset, string Backbone, string Metric, string ReferenceName, double Reference, double Value)
{
    public double RelativeGain => Value / Reference - 1;
}

/// <summary>One row of the paper's Table 2 (Amazon Sports, SASRec): round 0 is the base model (Judged is null).</summary>
public sealed record PaperTable2Row(int Round, bool? Judged, double Ndcg10, double Recall10)
{
    public string Setting => Round == 0 ? "SASRec base (original training data)"
        : $"RSIR-{Ordinal(Round)} {(Judged == true ? "with" : "without")} fidelity control";

    public double Metric(string metric) => metric switch
    {
        "ndcg@10" => Ndcg10,
        "recall@10" => Recall10,
        _ => throw new ArgumentException($"Table 2 reports ndcg@10 and recall@10, not '{metric}'.", nameof(metric)),
    };

    private static string Ordinal(int k) => k switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{k}th" };
}

/// <summary>
/// Every number the RSIR paper reports that this workbench can set its own results against, in one place.
/// Source: shared/METHOD-NOTES.md section 8 ("Reported numbers"), which copies them exactly from the RSIR README at
/// commit c27e19a and its project page (docs/index.html), both quoting the paper. Change them only from that source.
/// </summary>
public static class PaperNumbers
{
    /// <summary>Table 1 excerpt, SASRec, Recall@10: the best non-RSIR model against the best RSIR model per dataset.</summary>
    public static IReadOnlyList<PaperChange> Table1 { get; } = new[]
    {
        new PaperChange("toys", "sasrec", "recall@10", "best non-RSIR", 0.0834, 0.0872),
        new PaperChange("beauty", "sasrec", "recall@10", "best non-RSIR (DR4SR)", 0.0557, 0.0594),
        new PaperChange("sports", "sasrec", "recall@10", "best non-RSIR (DR4SR)", 0.0495, 0.0512),
        new PaperChange("yelp", "sasrec", "recall@10", "best non-RSIR", 0.0379, 0.0399),
    };

    /// <summary>Table 1, other backbones (the paper's summary): best baseline → +RSIR, Recall@10.</summary>
    public static IReadOnlyList<PaperChange> Table1OtherBackbones { get; } = new[]
    {
        new PaperChange("beauty", "cl4srec", "recall@10", "best baseline (DR4SR)", 0.0590, 0.0649),
        new PaperChange("sports", "hstu", "recall@10", "best baseline (DR4SR)", 0.0515, 0.0531),
        new PaperChange("yelp", "hstu", "recall@10", "best baseline (Insertion)", 0.0386, 0.0411),
    };

    /// <summary>Table 2: the fidelity-control ablation on Amazon Sports with SASRec, all seven rows.</summary>
    public static IReadOnlyList<PaperTable2Row> Table2 { get; } = new[]
    {
        new PaperTable2Row(0, null, 0.0271, 0.0474),
        new PaperTable2Row(1, false, 0.0273, 0.0472),
        new PaperTable2Row(1, true, 0.0293, 0.0512),
        new PaperTable2Row(2, false, 0.0209, 0.0384),
        new PaperTable2Row(2, true, 0.0294, 0.0517),
        new PaperTable2Row(3, false, 0.0119, 0.0210),
        new PaperTable2Row(3, true, 0.0298, 0.0528),
    };

    /// <summary>Figure 3 / Table 8, multi-round, SASRec, Recall@10: base → RSIR round 3.</summary>
    public static IReadOnlyList<PaperChange> MultiRound { get; } = new[]
    {
        new PaperChange("sports", "sasrec", "recall@10", "base", 0.0474, 0.0528),
        new PaperChange("yelp", "sasrec", "recall@10", "base", 0.0371, 0.0420),
    };

    /// <summary>Multi-round on HSTU/Sports (relative gains only): +8% Recall after round 1, +14% after round 3.</summary>
    public static IReadOnlyList<(int Round, double Gain)> HstuSportsGains { get; } = new[] { (1, 0.08), (3, 0.14) };

    /// <summary>Weak-to-strong: a strong student trained on a weak teacher's data gains +1.95% (metric not stated).</summary>
    public const double WeakToStrongGain = 0.0195;

    /// <summary>Figure 5: data density 0.0004 (raw) → 0.0016 after 8 RSIR rounds.</summary>
    public const double DensityRaw = 0.0004, DensityRound8 = 0.0016;

    /// <summary>Figure 5: approximate entropy, RSIR reaches 0.3861; naive insertion drops to 0.3136.</summary>
    public const double ApEnRsir = 0.3861, ApEnInsertion = 0.3136;

    /// <summary>Sensitivity: the paper's grids and findings (best p ≈ 0.5, a moderate τ).</summary>
    public static IReadOnlyList<double> TauGrid { get; } = new[] { 1.0, 3, 5, 10, 20, 50, 100 };
    public static IReadOnlyList<double> PGrid { get; } = new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 };
    public const double BestP = 0.5;

    /// <summary>The paper's Table 2 row for a round and judge setting (round 0: the base).</summary>
    public static PaperTable2Row Table2Row(int round, bool judged) =>
        Table2.Single(r => r.Round == round && (round == 0 || r.Judged == judged));
}
