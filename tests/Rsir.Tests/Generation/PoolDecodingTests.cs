using Rsir.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Generation;

public class PoolDecodingTests
{
    /// <summary>The CPU loop must pick what libtorch's argmax picks: first index of the maximum, NaN first of all.</summary>
    [Fact]
    public void ArgMax_on_the_cpu_is_libtorchs_argmax_with_ties_infinities_and_nans()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(17);
        var scores = randn(40, 12_102, generator: generator);
        scores[1].fill_(double.NegativeInfinity);                                       // a row with no pool left: 0
        scores[2].narrow(0, 100, 50).fill_(9f);                                          // ties: the lowest index
        scores[3][7] = tensor(float.NaN); scores[3][5000] = tensor(float.NaN);          // NaN wins, the first one
        scores[4].narrow(0, 0, 12_101).fill_(double.NegativeInfinity);                   // the maximum in the scalar tail
        scores[5].fill_(0f); scores[5][3] = tensor(-0f);                                 // -0 and +0 tie
        var ours = PoolDecoding.ArgMax(scores);
        Assert.Equal(scores.argmax(1).data<long>().ToArray(), ours.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 100, 7, 12_101, 0 }, ours.data<long>().ToArray()[1..6]);
    }

    [Fact]
    public void Skipped_rows_get_zero_and_the_others_their_argmax()
    {
        using var scope = NewDisposeScope();
        var scores = randn(6, 333, generator: new Generator(4));
        var skip = tensor(new[] { false, true, false, true, true, false });
        var ours = PoolDecoding.ArgMax(scores, skip).data<long>().ToArray();
        var expected = scores.argmax(1).data<long>().ToArray();
        for (int r = 0; r < 6; r++) Assert.Equal(skip[r].item<bool>() ? 0 : expected[r], ours[r]);
    }

    [Fact]
    public void A_view_that_is_not_contiguous_takes_libtorchs_path()
    {
        using var scope = NewDisposeScope();
        var scores = randn(50, 8, generator: new Generator(5)).t();                    // (8, 50), not contiguous
        Assert.Equal(scores.argmax(1).data<long>().ToArray(), PoolDecoding.ArgMax(scores).data<long>().ToArray());
    }
}
