using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;
using static Rsir.Tests.Models.TinyBackbones;

namespace Rsir.Tests.Models;

public class HstuTests
{
    [Fact]
    public void Relative_buckets_are_exact_near_and_log_spaced_far()
    {
        using var scope = NewDisposeScope();
        var bias = new RelativePositionBias(heads: 2, buckets: 32, maxLength: 50);
        var buckets = bias.Bucket(arange(50L)).data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), buckets[..16]);
        Assert.Equal(31, buckets[49]);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(pair => pair.First <= pair.Second), "buckets must not decrease with distance");
        Assert.True(buckets[16..].Distinct().Count() > 8, "far distances collapse into too few buckets");
        Assert.Equal(new long[] { 2, 5, 5 }, bias.call(5).shape);
    }

    [Fact]
    public void Works_without_absolute_positions()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var model = new Hstu(ItemCount, Options("hstu") with { AbsolutePositions = false });
        model.eval();
        var items = RandomItems(2, 6, seed: 1);
        var changed = items.clone();
        changed[.., 4..] = RandomItems(2, 2, seed: 9);
        BackboneTests.AssertClose(model.Encode(items)[.., ..4], model.Encode(changed)[.., ..4], "hstu without positions is not causal");
        Assert.Equal(model.parameters().Sum(p => p.numel()) + (long)12 * 16,
            new Hstu(ItemCount, Options("hstu")).parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Single_head_and_single_bucket_configurations_run()
    {
        using var scope = NewDisposeScope();
        using var model = new Hstu(ItemCount, Options("hstu") with { Heads = 1, RelativePositionBuckets = 1, Layers = 1 });
        var hidden = model.Encode(RandomItems(2, 12, seed: 4));
        Assert.Equal(new long[] { 2, 12, 16 }, hidden.shape);
        Assert.False(hidden.isnan().any().item<bool>());
    }
}
