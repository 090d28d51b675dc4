using System.Globalization;

namespace Rsir.Analysis;

/// <summary>Where a reproduction row stands.</summary>
public enum ReproductionStatus
{
    /// <summary>The paper's direction (and significance, where tested) and, on the paper's data, its level.</summary>
    Reproduced,
    /// <summary>The paper's direction, but our level is further from the paper's than the paper's own gap to its
    /// reference (e.g. our base model is much stronger than the paper's).</summary>
    DirectionOnly,
    NotReproduced,
    /// <summary>The results folder that would hold our number does not exist yet.</summary>
    NotRun,
}

/// <summary>What the paper says in one row: a value on a metric, optionally against a reference (its base or best
/// non-RSIR model), or only a relative gain or a direction. <c>LevelComparable</c>: our run uses the paper's data and
/// backbone, so our value and the paper's can be compared directly (not on a user slice).</summary>
public sealed record PaperClaim(string Section, string What, string Metric, double? Value, double? Reference = null,
    double? Gain = null, int Direction = 0, string? Text = null, bool LevelComparable = true)
{
    /// <summary>The paper's relative change: Value / Reference − 1, or the reported gain; null when it reports none.</summary>
    public double? Change => Gain ?? (Value is double v && Reference is double r && r != 0 ? v / r - 1 : null);

    /// <summary>+1 the paper reports a rise, −1 a fall, 0 "no change" (under 1%) or no direction.</summary>
    public int Sign => Change is double c ? (Math.Abs(c) < NoChange ? 0 : Math.Sign(c)) : Direction;

    /// <summary>A change below 1% is the paper saying "nothing" (Table 2: 0.0472 against 0.0474).</summary>
    public const double NoChange = 0.01;
}

/// <summary>What we measured for a claim: our value (mean ± sd over seeds), what we compare it against and the paired
/// test (per-user values, pooled over the seeds both sides have), the folders and seeds it came from.</summary>
public sealed record OurMeasure(MeanSd Value, string? ReferenceName = null, double? Reference = null,
    PairedComparison? Test = null, string? Text = null)
{
    public double? Change => Reference is double r && r != 0 ? Value.Mean / r - 1 : null;
}

/// <summary>One row of the comparison with the paper: the claim, our measure (null: not run), the status and why, the
/// command that produces our number and the folder(s) it reads.</summary>
public sealed record ReproductionRow(PaperClaim Paper, OurMeasure? Ours, ReproductionStatus Status, string Why,
    string Command, string Folder)
{
    /// <summary>Decides the status of a claim against our measure. Rules, in order:
    /// <list type="number">
    /// <item>no measure: not run;</item>
    /// <item>direction: where the paper reports a change (or a direction), ours against our reference must go the same
    /// way — significantly (paired p &lt; 0.05) where we have a paired test; where the paper reports no change (under
    /// 1%), ours must not be significant;</item>
    /// <item>level, on the paper's data only: |ours − paper| must be within the paper's own gap to its reference (for a
    /// row without a reference, the gap passed as <paramref name="levelTolerance"/>);</item>
    /// <item>both hold: reproduced; direction only: direction only; otherwise not reproduced.</item>
    /// </list></summary>
    public static ReproductionRow Judge(PaperClaim paper, OurMeasure? ours, string command, string folder, double? levelTolerance = null)
    {
        if (ours is null) return new ReproductionRow(paper, null, ReproductionStatus.NotRun, "no results folder yet", command, folder);
        var why = new List<string>();
        bool? direction = null;
        if (paper.Sign != 0 || paper.Change is not null)
        {
            double? change = ours.Change;
            double? p = ours.Test?.TTest.PValue;
            if (change is null) why.Add("no reference of ours to compare against");
            else
            {
                string ourChange = $"ours {Percent(change.Value)}" + (p is double pv ? $" (p {P(pv)})" : "");
                string theirs = paper.Change is double pc ? $"paper {Percent(pc)}" : paper.Sign > 0 ? "paper: rises" : "paper: falls";
                if (paper.Sign == 0)
                {
                    direction = p is double q ? q >= 0.05 : Math.Abs(change.Value) < PaperClaim.NoChange;
                    why.Add($"{ourChange} vs {theirs}: {(direction.Value ? "no change either" : "a change where the paper has none")}");
                }
                else
                {
                    bool sameWay = Math.Sign(change.Value) == paper.Sign;
                    bool significant = p is not double q || q < 0.05;
                    direction = sameWay && significant;
                    why.Add($"{ourChange} vs {theirs}: " + (!sameWay ? "the other way" : significant ? "same direction" : "same direction, not significant"));
                }
            }
        }
        bool? level = null;
        double? gap = paper.Value is double v && paper.Reference is double r ? Math.Abs(v - r) : levelTolerance;
        if (paper.LevelComparable && paper.Value is double value && gap is double g)
        {
            double distance = Math.Abs(ours.Value.Mean - value);
            level = distance <= g;
            why.Add($"level {F(ours.Value.Mean)} vs {F(value)}: {(level.Value ? "within" : "outside")} the paper's gap {F(g)}");
        }
        else if (!paper.LevelComparable) why.Add("level not comparable (other data or definition)");

        var status = (direction, level) switch
        {
            (false, _) or (null, false) => ReproductionStatus.NotReproduced,
            (true, false) => ReproductionStatus.DirectionOnly,
            (true, _) or (null, true) => ReproductionStatus.Reproduced,
            _ => ReproductionStatus.NotReproduced,
        };
        return new ReproductionRow(paper, ours, status, string.Join("; ", why), command, folder);
    }

    public static string StatusText(ReproductionStatus status) => status switch
    {
        ReproductionStatus.Reproduced => "reproduced",
        ReproductionStatus.DirectionOnly => "direction only",
        ReproductionStatus.NotReproduced => "not reproduced",
        _ => "not run",
    };

    private static string Percent(double change) =>
        (change >= 0 ? "+" : "−") + Math.Abs(change * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string P(double p) => Significance.FormatP(p);
}
