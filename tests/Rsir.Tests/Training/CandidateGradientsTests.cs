using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Training;

public class CandidateGradientsTests
{
    private static bool SameBits(Tensor a, Tensor b) =>
        a.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));

    [Theory]
    [InlineData(64, 257, 64, 40)]     // a training chunk; few items, so ids repeat within and across positions
    [InlineData(7, 5, 19, 3)]         // a dim that is no multiple of the vector width
    public void The_loop_adds_exactly_what_index_add_adds(int positions, int candidates, int dim, int items)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var table = randn(items, dim, generator: generator);                        // rows already hold gradient
        var ids = randint(0, items, new long[] { positions * candidates }, generator: generator);
        var g = randn(positions, candidates, generator: generator);
        var h = randn(positions, dim, generator: generator);

        var expected = table.clone().index_add_(0, ids, (g.unsqueeze(2) * h.unsqueeze(1)).view(-1, dim), 1);
        var ours = table.clone();
        CandidateGradients.AddOuterProducts(ours, ids, g, h);

        Assert.True(SameBits(expected, ours), $"max difference {(expected - ours).abs().max().item<float>()}");
        Assert.False(SameBits(table, ours));
    }

    [Fact]
    public void A_view_that_is_not_contiguous_takes_libtorchs_path_with_the_same_result()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(8);
        var table = randn(10, 8, generator: generator);
        var ids = randint(0, 10, new long[] { 12 }, generator: generator);
        var g = randn(3, 4, generator: generator);
        var h = randn(8, 3, generator: generator).t();                              // (3, 8), not contiguous
        var expected = table.clone().index_add_(0, ids, (g.unsqueeze(2) * h.unsqueeze(1)).view(-1, 8), 1);
        var ours = table.clone();
        CandidateGradients.AddOuterProducts(ours, ids, g, h);
        Assert.True(SameBits(expected, ours));
    }

    [Fact]
    public void An_id_outside_the_table_is_an_invariant_failure_not_a_write_out_of_bounds()
    {
        using var scope = NewDisposeScope();
        var table = zeros(4, 16);
        var ids = tensor(new long[] { 1, 4 });
        Assert.Throws<Rsir.Runtime.InvariantException>(() => CandidateGradients.AddOuterProducts(table, ids, ones(1, 2), ones(1, 16)));
    }
}
