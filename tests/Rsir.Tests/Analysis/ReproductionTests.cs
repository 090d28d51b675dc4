using Rsir.Analysis;

namespace Rsir.Tests.Analysis;

public class ReproductionTests
{
    private static PairedComparison WithP(double p) =>
        new("recall@10", 100, 0.047, 0.051, 0.004, 0.01, new TestOutcome(3.0, p), new WilcoxonOutcome(0, 0, 1, 0));

    private static OurMeasure Ours(double value, double? reference = null, double? p = null) =>
        new(new MeanSd(value, 0, 3), "our base", reference, p is double pv ? WithP(pv) : null);

    // Table 2: RSIR-1st with fidelity control against the base, recall@10 (+8.0%, gap 0.0038).
    private static readonly PaperClaim Rise = new("Table 2", "round 1", "recall@10", 0.0512, 0.0474);

    private static ReproductionRow Judge(PaperClaim paper, OurMeasure? ours, double? levelTolerance = null) =>
        ReproductionRow.Judge(paper, ours, "./rsir loop", "results/committed/x-s*", levelTolerance);

    [Fact]
    public void A_claim_without_our_measure_is_not_run_with_its_command_and_folder()
    {
        var row = Judge(Rise, null);
        Assert.Equal(ReproductionStatus.NotRun, row.Status);
        Assert.Null(row.Ours);
        Assert.Equal("no results folder yet", row.Why);
        Assert.Equal("./rsir loop", row.Command);
        Assert.Equal("results/committed/x-s*", row.Folder);
    }

    [Fact]
    public void Same_significant_direction_within_the_papers_gap_is_reproduced_and_says_why()
    {
        var row = Judge(Rise, Ours(0.0510, 0.0470, p: 0.001));
        Assert.Equal(ReproductionStatus.Reproduced, row.Status);
        Assert.Equal("ours +8.5% (p 0.001) vs paper +8.0%: same direction; level 0.051 vs 0.0512: within the paper's gap 0.0038", row.Why);
    }

    [Fact]
    public void Same_direction_but_a_level_further_than_the_papers_gap_is_direction_only()
    {
        var row = Judge(Rise, Ours(0.0800, 0.0700, p: 0.001));
        Assert.Equal(ReproductionStatus.DirectionOnly, row.Status);
        Assert.EndsWith("level 0.08 vs 0.0512: outside the paper's gap 0.0038", row.Why);
    }

    [Fact]
    public void The_other_way_is_not_reproduced_even_at_the_papers_level()
    {
        var row = Judge(Rise, Ours(0.0500, 0.0520, p: 0.01));
        Assert.Equal(ReproductionStatus.NotReproduced, row.Status);
        Assert.StartsWith("ours −3.8% (p 0.01) vs paper +8.0%: the other way", row.Why);
        Assert.Contains("within the paper's gap", row.Why);
    }

    [Fact]
    public void Significance_needs_p_strictly_below_five_percent()
    {
        var atFive = Judge(Rise, Ours(0.0510, 0.0470, p: 0.05));
        Assert.Equal(ReproductionStatus.NotReproduced, atFive.Status);
        Assert.Contains("same direction, not significant", atFive.Why);
        Assert.Equal(ReproductionStatus.Reproduced, Judge(Rise, Ours(0.0510, 0.0470, p: 0.0499)).Status);
    }

    [Fact]
    public void Without_a_paired_test_the_sign_alone_decides_the_direction()
    {
        var row = Judge(Rise, Ours(0.0510, 0.0470));
        Assert.Equal(ReproductionStatus.Reproduced, row.Status);
        Assert.StartsWith("ours +8.5% vs paper +8.0%: same direction;", row.Why);
    }

    [Fact]
    public void Small_p_values_are_written_in_exponent_form()
    {
        Assert.StartsWith("ours +8.5% (p 1.2e-5) vs", Judge(Rise, Ours(0.0510, 0.0470, p: 1.234e-5)).Why);
        Assert.StartsWith("ours +8.5% (p 0.0001) vs", Judge(Rise, Ours(0.0510, 0.0470, p: 1e-4)).Why);
    }

    [Fact]
    public void A_paper_no_change_is_matched_by_a_non_significant_change_of_ours()
    {
        // Table 2: RSIR-1st without fidelity control, 0.0472 against the base's 0.0474 (−0.4%, under 1%).
        var noChange = new PaperClaim("Table 2", "round 1, no judge", "recall@10", 0.0472, 0.0474, LevelComparable: false);
        Assert.Equal(0, noChange.Sign);

        var quiet = Judge(noChange, Ours(0.0480, 0.0478, p: 0.3));
        Assert.Equal(ReproductionStatus.Reproduced, quiet.Status);
        Assert.Equal("ours +0.4% (p 0.3) vs paper −0.4%: no change either; level not comparable (other data or definition)", quiet.Why);

        var significant = Judge(noChange, Ours(0.0480, 0.0478, p: 0.01));
        Assert.Equal(ReproductionStatus.NotReproduced, significant.Status);
        Assert.Contains("a change where the paper has none", significant.Why);

        Assert.Equal(ReproductionStatus.Reproduced, Judge(noChange, Ours(0.0500, 0.0496)).Status);
        Assert.Equal(ReproductionStatus.NotReproduced, Judge(noChange, Ours(0.0510, 0.0500)).Status);
    }

    [Fact]
    public void A_direction_only_claim_is_judged_on_the_sign_of_our_change()
    {
        var rises = new PaperClaim("Data", "ApEn with RSIR", "apen", 0.3861, Direction: +1, LevelComparable: false);
        var up = Judge(rises, Ours(0.40, 0.38));
        Assert.Equal(ReproductionStatus.Reproduced, up.Status);
        Assert.Equal("ours +5.3% vs paper: rises: same direction; level not comparable (other data or definition)", up.Why);

        var falls = rises with { Direction = -1 };
        var wrong = Judge(falls, Ours(0.40, 0.38));
        Assert.Equal(ReproductionStatus.NotReproduced, wrong.Status);
        Assert.StartsWith("ours +5.3% vs paper: falls: the other way", wrong.Why);
    }

    [Fact]
    public void A_gain_only_claim_needs_the_direction_not_the_size_of_the_gain()
    {
        var gain = new PaperClaim("Multi-round", "HSTU round 1", "recall@10", null, Gain: 0.08, LevelComparable: false);
        Assert.Equal(ReproductionStatus.Reproduced, Judge(gain, Ours(0.051, 0.050)).Status);
        Assert.Equal(ReproductionStatus.NotReproduced, Judge(gain, Ours(0.049, 0.050)).Status);
    }

    [Fact]
    public void Without_a_reference_of_ours_only_the_level_decides()
    {
        var within = Judge(Rise, Ours(0.0510));
        Assert.Equal(ReproductionStatus.Reproduced, within.Status);
        Assert.StartsWith("no reference of ours to compare against; level", within.Why);
        Assert.Equal(ReproductionStatus.NotReproduced, Judge(Rise, Ours(0.0600)).Status);
        Assert.Equal(ReproductionStatus.Reproduced, Judge(Rise, Ours(0.0510, reference: 0)).Status);
    }

    [Fact]
    public void Without_the_papers_base_the_level_tolerance_is_the_gap_inclusive()
    {
        var level = new PaperClaim("Table 1", "best non-RSIR", "recall@10", 0.5);
        Assert.Equal(ReproductionStatus.Reproduced, Judge(level, Ours(0.75), levelTolerance: 0.25).Status);
        Assert.Equal(ReproductionStatus.Reproduced, Judge(level, Ours(0.25), levelTolerance: 0.25).Status);
        Assert.Equal(ReproductionStatus.NotReproduced, Judge(level, Ours(0.7500001), levelTolerance: 0.25).Status);
        Assert.EndsWith("outside the paper's gap 0.25", Judge(level, Ours(0.7500001), levelTolerance: 0.25).Why);
    }

    [Fact]
    public void With_nothing_to_check_a_claim_is_not_reproduced()
    {
        var row = Judge(new PaperClaim("Table 1", "best non-RSIR", "recall@10", 0.5), Ours(0.5));
        Assert.Equal(ReproductionStatus.NotReproduced, row.Status);
        Assert.Equal("", row.Why);
    }

    [Fact]
    public void A_zero_gap_to_the_papers_base_allows_only_the_papers_exact_level_and_overrides_the_tolerance()
    {
        var flat = new PaperClaim("T", "flat", "recall@10", 0.05, 0.05);
        Assert.Equal(0, flat.Sign);
        Assert.Equal(ReproductionStatus.Reproduced, Judge(flat, Ours(0.05, 0.05)).Status);
        var off = Judge(flat, Ours(0.0501, 0.0501), levelTolerance: 0.01);
        Assert.Equal(ReproductionStatus.DirectionOnly, off.Status);
        Assert.EndsWith("outside the paper's gap 0", off.Why);
    }

    [Fact]
    public void Paper_change_prefers_the_reported_gain_and_under_one_percent_has_no_sign()
    {
        Assert.Equal(0.08, new PaperClaim("T", "x", "m", 0.06, 0.05, Gain: 0.08).Change);
        Assert.Equal(0.2, new PaperClaim("T", "x", "m", 0.06, 0.05).Change!.Value, 12);
        Assert.Equal(+1, new PaperClaim("T", "x", "m", 0.0512, 0.0474).Sign);
        Assert.Equal(-1, new PaperClaim("T", "x", "m", 0.0384, 0.0474).Sign);
        Assert.Equal(0, new PaperClaim("T", "x", "m", 0.0472, 0.0474).Sign);
        var zeroBase = new PaperClaim("T", "x", "m", 0.3, 0, Direction: -1);
        Assert.Null(zeroBase.Change);
        Assert.Equal(-1, zeroBase.Sign);
        Assert.Null(Ours(0.05, reference: 0).Change);
        Assert.Equal(-0.5, Ours(0.05, reference: 0.1).Change!.Value, 12);
    }

    [Fact]
    public void Status_texts()
    {
        Assert.Equal(new[] { "reproduced", "direction only", "not reproduced", "not run" },
            Enum.GetValues<ReproductionStatus>().Select(ReproductionRow.StatusText));
    }

    [Fact]
    public void Table_2_rows_by_round_and_judge_setting()
    {
        Assert.Equal(PaperNumbers.Table2Row(0, true), PaperNumbers.Table2Row(0, false));
        Assert.Equal("SASRec base (original training data)", PaperNumbers.Table2Row(0, true).Setting);
        var second = PaperNumbers.Table2Row(2, false);
        Assert.Equal((0.0209, 0.0384), (second.Metric("ndcg@10"), second.Metric("recall@10")));
        Assert.Equal("RSIR-2nd without fidelity control", second.Setting);
        Assert.Equal("RSIR-1st with fidelity control", PaperNumbers.Table2Row(1, true).Setting);
        Assert.Equal("RSIR-3rd with fidelity control", PaperNumbers.Table2Row(3, true).Setting);
        foreach (int k in new[] { 1, 2, 3 })
            Assert.NotEqual(PaperNumbers.Table2Row(k, true), PaperNumbers.Table2Row(k, false));
        Assert.Throws<ArgumentException>(() => second.Metric("mrr@10"));
    }

    [Fact]
    public void Every_reported_RSIR_change_is_a_gain_over_its_reference()
    {
        Assert.Equal(0.2, new PaperChange("d", "b", "m", "base", 0.05, 0.06).RelativeGain, 12);
        foreach (var change in PaperNumbers.Table1.Concat(PaperNumbers.Table1OtherBackbones).Concat(PaperNumbers.MultiRound))
            Assert.True(change.RelativeGain > PaperClaim.NoChange, $"{change.Dataset}/{change.Backbone}: {change.RelativeGain}");
    }
}
