using Rsir.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Evaluation;

public class RankCounterTests
{
    [Theory]
    [InlineData(TieRule.CountsAgainst)]
    [InlineData(TieRule.SharesBetterRank)]
    public void The_one_pass_count_on_the_cpu_equals_the_tensor_expression_with_ties_and_nans(TieRule ties)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        // Scores on a coarse grid so that many tie the reference; a few NaNs; 1,003 columns: no multiple of a vector.
        var scores = randint(0, 8, new long[] { 37, 1003 }, generator: generator).to_type(ScalarType.Float32);
        scores[3, 5] = float.NaN; scores[10, 1000] = float.NaN;
        var reference = scores[.., 7].unsqueeze(1).contiguous();
        reference[4, 0] = float.NaN;

        var expected = ties == TieRule.CountsAgainst
            ? scores.lt(reference).sum(1, type: ScalarType.Int64).neg_().add_(scores.shape[1])
            : scores.gt(reference).sum(1, type: ScalarType.Int64);
        var counted = RankCounter.HostCount(scores, reference, ties);
        Assert.Equal(expected.data<long>().ToArray(), counted.data<long>().ToArray());
        Assert.Equal(expected.data<long>().ToArray(), RankCounter.CountBeats(scores, reference, ties).data<long>().ToArray());
        // A NaN reference: nothing is strictly lower or higher, so every item counts against it or none beats it.
        Assert.Equal(ties == TieRule.CountsAgainst ? 1003 : 0, counted[4].item<long>());
    }
}
