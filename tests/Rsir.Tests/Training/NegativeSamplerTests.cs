using Rsir.Runtime;
using Rsir.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Training;

public class NegativeSamplerTests
{
    [Theory]
    [InlineData(RandomDraws.OnHost)]
    [InlineData(RandomDraws.OnDevice)]
    public void Negatives_are_uniform_over_items_outside_the_row_and_never_padding(RandomDraws draws)
    {
        const int items = 12;
        var rows = new[] { new[] { 2, 3, 3, 7 }, new[] { 1, 12 }, new[] { 5 } };
        var (offsets, allowed) = NegativeSampler.Pack(rows.Select(r => NegativeSampler.ExclusionOffsets(r)).ToArray(), items);
        Assert.Equal(new float[] { 9, 10, 11 }, allowed);   // duplicates collapse: row 0 excludes {2, 3, 7}
        using var offsetTensor = tensor(offsets, new long[] { 3, offsets.Length / 3 });
        using var allowedTensor = tensor(allowed);
        using var rowOfPosition = tensor(new long[] { 0, 0, 1, 2 });
        using var random = new DeviceRandom(7, CPU, draws);
        var ids = NegativeSampler.Sample(offsetTensor, allowedTensor, rowOfPosition, 30000, random);
        var drawn = ids.data<long>().ToArray();
        for (int position = 0; position < 4; position++)
        {
            int row = (int)rowOfPosition[position].item<long>();
            var counts = new int[items + 1];
            for (int j = 0; j < 30000; j++) counts[drawn[position * 30000 + j]]++;
            Assert.Equal(0, counts[0]);
            foreach (var item in rows[row]) Assert.Equal(0, counts[item]);
            var permitted = Enumerable.Range(1, items).Except(rows[row]).ToArray();
            double expected = 30000.0 / permitted.Length;
            foreach (var item in permitted)   // every allowed item, roughly equally often (±10%: > 6 sd)
                Assert.InRange(counts[item], expected * 0.9, expected * 1.1);
        }
    }

    [Fact]
    public void A_row_that_uses_every_item_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            NegativeSampler.Pack(new[] { NegativeSampler.ExclusionOffsets(new[] { 1, 2, 3 }) }, 3));
        Assert.Contains("no negative", ex.Message);
    }
}
