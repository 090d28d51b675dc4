using Rsir.Analysis;
using Rsir.Interactive;
using Rsir.Data;

namespace Rsir.Tests.Analysis;

public class ErrorRecurrenceTests
{
    private static readonly RecurrenceStep[] TwoSteps =
    {
        new(0, Error: 0.80, NextError: 0.78, SyntheticShare: 0.5, MissRate: 0.1),
        new(1, Error: 0.78, NextError: 0.77, SyntheticShare: 0.6, MissRate: 0.2),
    };

    [Fact]
    public void The_bound_contraction_and_fixed_point_follow_the_formula()
    {
        // RHS = 0.5·0.8 + 0.5·(0.9·0.9·0.8 + 0.1·0.99) = 0.7735; (1 − p̃)ρ = 0.81; E* = (0.4 + 0.0495) / (1 − 0.405).
        var table = ErrorRecurrence.Evaluate(TwoSteps, e0: 0.8, eMax: 0.99, rho: 0.9);
        var row = table.Rows[0];
        Assert.Equal(0.7735, row.Bound, 12);
        Assert.Equal(0.7735 - 0.78, row.Slack, 12);
        Assert.False(row.WithinBound);
        Assert.Equal(0.81, row.ContractionFactor, 12);
        Assert.True(row.Contracts);
        Assert.Equal(0.4495 / 0.595, row.FixedPoint, 12);
        Assert.Equal("given", table.Rho.Basis);

        var loose = ErrorRecurrence.Evaluate(TwoSteps, 0.8, 0.99, rho: 1.3).Rows[1];
        Assert.False(loose.Contracts);   // (1 − 0.2)·1.3 = 1.04
        Assert.True(loose.WithinBound);
    }

    [Fact]
    public void Rho_is_the_least_squares_slope_through_the_origin()
    {
        // x = λ(1 − p̃)E_k = 0.36, 0.3744; y = E_{k+1} − (1 − λ)E_0 − λp̃E_max = 0.3305, 0.3312.
        var table = ErrorRecurrence.Evaluate(TwoSteps, 0.8, 0.99);
        double expected = (0.36 * 0.3305 + 0.3744 * 0.3312) / (0.36 * 0.36 + 0.3744 * 0.3744);
        Assert.Equal(expected, table.Rho.Value, 12);
        Assert.Equal(0.9006800324536681, table.Rho.Value, 12);
        Assert.False(table.Rho.Clamped);
        Assert.Equal(2, table.Rho.Steps);
        Assert.Equal(0.006136075454481421, table.Rho.ResidualRms, 12);
        // Least squares leaves one residual on each side of the bound.
        Assert.Equal(new[] { false, true }, table.Rows.Select(r => r.WithinBound));
        Assert.Equal(-0.006255188316679483, table.Rows[0].Slack, 12);

        var frame = table.ToDataFrame();
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal(0.7737448116833205, (double)frame["bound"][0], 12);
    }

    [Fact]
    public void One_transition_is_fitted_exactly_and_a_negative_slope_is_clamped_at_zero()
    {
        var single = ErrorRecurrence.Evaluate(TwoSteps[..1], 0.8, 0.99);
        Assert.Equal(0, single.Rows[0].Slack, 12);
        Assert.True(single.Rows[0].WithinBound);

        // E_{k+1} below (1 − λ)E_0 + λp̃E_max: only a negative ρ would fit.
        var better = new[] { new RecurrenceStep(0, 0.8, 0.40, 0.5, 0.1) };
        var clamped = ErrorRecurrence.Evaluate(better, 0.8, 0.99);
        Assert.True(clamped.Rho.Clamped);
        Assert.Equal(0, clamped.Rho.Value);
        Assert.True(clamped.Rho.LeastSquares < 0);
    }

    [Fact]
    public void Rho_is_fitted_on_judged_transitions_only_when_there_are_any()
    {
        var mixed = new[] { TwoSteps[0], TwoSteps[1] with { Judged = false } };
        var table = ErrorRecurrence.Evaluate(mixed, 0.8, 0.99);
        Assert.Equal(1, table.Rho.Steps);
        Assert.Equal(0.3305 / 0.36, table.Rho.Value, 12);
        Assert.Equal(2, table.Rows.Count);

        var noSynthetic = ErrorRecurrence.Evaluate(new[] { new RecurrenceStep(0, 0.8, 0.8, 0, 0) }, 0.8, 0.99);
        Assert.True(double.IsNaN(noSynthetic.Rho.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorRecurrence.Evaluate(new[] { new RecurrenceStep(0, 0.8, 0.8, 1.5, 0) }, 0.8, 0.99));
    }

    private static Dataset HandDataset() => LeaveOneOut.Split("hand", new Dictionary<int, int[]>
    {
        [1] = new[] { 1, 2, 3, 4, 5, 6 },   // training row of 4 items: 3 targets
        [2] = new[] { 7, 8, 9, 10 },        // training row of 2 items: 1 target
    }, itemCount: 20);

    [Fact]
    public void Error_and_synthetic_share_are_measured_as_defined()
    {
        Assert.Equal(0.75, ErrorRecurrence.Error(new Dictionary<string, double> { ["recall@20"] = 0.25 }), 12);
        Assert.Throws<ArgumentException>(() => ErrorRecurrence.Error(new Dictionary<string, double> { ["recall@10"] = 0.25 }));

        var data = HandDataset().WithTrainingRows(new[]
        {
            new TrainingRow(3, new[] { 1, 11, 12, 13, 14 }, new RowOrigin(1, 1)),   // 4 targets
        });
        Assert.Equal(4.0 / 8.0, ErrorRecurrence.SyntheticShare(data), 12);
        Assert.Equal(1.0 / 3.0, ErrorRecurrence.SyntheticShare(data, ShareBy.Rows), 12);
    }

    [Fact]
    public void Uninformative_data_keeps_row_count_lengths_and_the_evaluation_splits()
    {
        var data = HandDataset();
        var random = ErrorRecurrence.UninformativeDataset(data, seed: 5);
        Assert.Equal(data.TrainRows.Select(r => r.Items.Length), random.TrainRows.Select(r => r.Items.Length));
        Assert.All(random.TrainRows, r => Assert.All(r.Items, i => Assert.InRange(i, 1, data.ItemCount)));
        Assert.NotEqual(data.TrainRows.SelectMany(r => r.Items), random.TrainRows.SelectMany(r => r.Items));
        Assert.Same(data.Validation, random.Validation);
        Assert.Same(data.Test, random.Test);
        Assert.Equal(random.TrainRows.SelectMany(r => r.Items), ErrorRecurrence.UninformativeDataset(data, 5).TrainRows.SelectMany(r => r.Items));
    }

    [Fact]
    public void Random_ranking_error_counts_the_candidates_left_after_masking()
    {
        // Validation histories have 4 and 2 distinct items of 20: P(top 5) = 5/16 and 5/18.
        var data = HandDataset();
        Assert.Equal(1 - (5.0 / 16 + 5.0 / 18) / 2, ErrorRecurrence.RandomRankingError(data, k: 5), 12);
        Assert.Equal(1 - 5.0 / 20, ErrorRecurrence.RandomRankingError(data, k: 5, maskHistory: false), 12);
    }
}
