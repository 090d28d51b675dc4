using Rsir.Runtime;

namespace Rsir.Tests.Runtime;

public class CountedRandomTests
{
    /// <summary>The calls the library makes: shuffles, Next(n), Next(a, b) and NextDouble, interleaved.</summary>
    static List<double> Draw(Random random, int rounds)
    {
        var seen = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var order = Enumerable.Range(0, 37).ToArray();
            random.Shuffle(order);
            seen.AddRange(order.Select(i => (double)i));
            seen.Add(random.Next(3));
            seen.Add(random.Next(r, 1000 + r));
            seen.Add(random.NextDouble());
        }
        return seen;
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(7)]
    public void It_draws_exactly_what_a_plain_seeded_Random_draws(int seed)
    {
        Assert.Equal(Draw(new Random(seed), 50), Draw(new CountedRandom(seed), 50));
    }

    [Fact]
    public void Resuming_after_the_counted_draws_continues_the_same_stream()
    {
        var whole = new CountedRandom(11);
        var first = Draw(whole, 20);
        long drawn = whole.Draws;
        Assert.Equal(20 * (36 + 3), drawn);   // a shuffle of 37 takes 36 draws; Next(n), Next(a, b), NextDouble one each
        var rest = Draw(whole, 20);

        var resumed = CountedRandom.Resume(11, drawn);
        Assert.Equal(drawn, resumed.Draws);
        Assert.Equal(rest, Draw(resumed, 20));
        Assert.NotEqual(first.Take(rest.Count), rest);
    }

    [Fact]
    public void Draws_it_could_not_count_are_refused()
    {
        var random = new CountedRandom(1);
        Assert.Throws<NotSupportedException>(() => random.Next());
        Assert.Throws<NotSupportedException>(() => random.NextInt64(5));
        Assert.Throws<NotSupportedException>(() => random.NextBytes(new byte[4]));
        Assert.Throws<NotSupportedException>(() => random.Next(int.MinValue, int.MaxValue));
        Assert.Equal(0, random.Draws);
    }
}
