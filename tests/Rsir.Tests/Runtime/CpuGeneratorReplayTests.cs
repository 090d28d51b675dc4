using Rsir.Models;
using Rsir.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Runtime;

/// <summary>The replay must draw exactly libtorch's numbers and leave the generator exactly where libtorch leaves it,
/// or every seeded run would change.</summary>
public class CpuGeneratorReplayTests
{
    private static byte[] State(Generator g) => g.get_state().data<byte>().ToArray();

    private static bool SameBits(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape)
        && (a.dtype == ScalarType.Float64
            ? a.data<double>().ToArray().Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.data<double>().ToArray().Select(BitConverter.DoubleToInt64Bits))
            : a.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)));

    /// <summary>Two generators in the same state: one draws through libtorch, the other through the replay.</summary>
    private static (Generator Torch, Generator Replay) Twins(ulong seed, long alreadyDrawn)
    {
        var a = new Generator(seed, CPU);
        var b = new Generator(seed, CPU);
        if (alreadyDrawn > 0) { rand(new[] { alreadyDrawn }, generator: a).Dispose(); rand(new[] { alreadyDrawn }, generator: b).Dispose(); }
        return (a, b);
    }

    [Theory]
    [InlineData(0, 1)]            // the first draw after seeding twists the state
    [InlineData(0, 623)]
    [InlineData(0, 624)]          // exactly one state's worth
    [InlineData(5, 619)]          // ends on the last word before a twist
    [InlineData(623, 2)]          // crosses a twist after one word
    [InlineData(7, 5000)]         // several twists, a length no multiple of the vector width
    [InlineData(3, 819_200)]      // a dropout mask's size
    public void Float32_draws_and_the_state_after_them_are_libtorchs(long alreadyDrawn, long count)
    {
        using var scope = NewDisposeScope();
        var (torchSide, replaySide) = Twins(2023, alreadyDrawn);
        var expected = rand(new[] { count }, generator: torchSide);
        var ours = CpuGeneratorReplay.Rand(replaySide, new[] { count });
        Assert.True(SameBits(expected, ours));
        Assert.Equal(State(torchSide), State(replaySide));
        Assert.True(SameBits(rand(new[] { 10L }, generator: torchSide), rand(new[] { 10L }, generator: replaySide)));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 311)]          // 622 words: ends two words before a twist
    [InlineData(4, 3000)]
    public void Float64_draws_take_two_words_each_as_libtorch_does(long alreadyDrawn, long count)
    {
        using var scope = NewDisposeScope();
        var (torchSide, replaySide) = Twins(11, alreadyDrawn);
        var expected = rand(new[] { count }, dtype: ScalarType.Float64, generator: torchSide);
        var ours = CpuGeneratorReplay.Rand(replaySide, new[] { count }, ScalarType.Float64);
        Assert.True(SameBits(expected, ours));
        Assert.Equal(State(torchSide), State(replaySide));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.2)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    public void A_keep_mask_is_rand_ge_p_times_the_scale(double p)
    {
        using var scope = NewDisposeScope();
        var (torchSide, replaySide) = Twins(99, 17);
        var shape = new long[] { 33, 50, 64 };
        var expected = rand(shape, generator: torchSide).ge_(p).mul_(1.0 / (1.0 - p));
        var ours = CpuGeneratorReplay.KeepMask(replaySide, shape, (float)p, (float)(1.0 / (1.0 - p)));
        Assert.True(SameBits(expected, ours));
        Assert.Equal(State(torchSide), State(replaySide));
        double keptShare = ours.ne(0).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(keptShare, 1 - p - 0.01, 1 - p + 0.01);
    }

    [Fact]
    public void FastDropout_on_the_cpu_gives_the_mask_libtorch_would_draw_from_the_default_generator()
    {
        using var scope = NewDisposeScope();
        var input = randn(4, 50, 64);
        var dropout = new FastDropout(0.2);
        dropout.train();

        manual_seed(42);
        var ours = dropout.forward(input);
        var stateAfterOurs = torch.get_rng_state().data<byte>().ToArray();

        manual_seed(42);
        var expected = input * rand_like(input).ge_(0.2).mul_(1.0 / (1.0 - 0.2));
        Assert.True(SameBits(expected, ours));
        Assert.Equal(torch.get_rng_state().data<byte>().ToArray(), stateAfterOurs);
    }

    [Fact]
    public void Only_float_draws_are_replayed()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(1, CPU);
        Assert.Throws<ArgumentException>(() => CpuGeneratorReplay.Rand(g, new[] { 3L }, ScalarType.Int64));
    }
}
