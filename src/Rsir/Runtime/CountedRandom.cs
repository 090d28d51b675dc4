namespace Rsir.Runtime;

/// <summary>
/// A seeded <see cref="Random"/> that knows how far along its stream it is, so a training checkpoint can save the
/// position (<see cref="Draws"/>) and <see cref="Resume"/> can continue from it. .NET keeps the legacy seeded algorithm
/// for subclasses of Random, so this draws exactly the numbers <c>new Random(seed)</c> draws; every method the library
/// uses (<c>Next(n)</c>, <c>Next(a, b)</c> with b − a ≤ int.MaxValue, <c>NextDouble</c>, <c>Shuffle</c>) takes one draw,
/// through <see cref="Sample"/>. The methods that would draw past <see cref="Sample"/> are refused, so the count
/// cannot silently go wrong.
/// </summary>
public sealed class CountedRandom(int seed) : Random(seed)
{
    public int Seed { get; } = seed;

    /// <summary>Numbers drawn so far.</summary>
    public long Draws { get; private set; }

    /// <summary>The generator <c>new CountedRandom(seed)</c> becomes after <paramref name="draws"/> draws.</summary>
    public static CountedRandom Resume(int seed, long draws)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draws);
        var random = new CountedRandom(seed);
        for (long i = 0; i < draws; i++) random.Sample();
        return random;
    }

    protected override double Sample()
    {
        Draws++;
        return base.Sample();
    }

    public override int Next(int minValue, int maxValue) =>
        (long)maxValue - minValue <= int.MaxValue ? base.Next(minValue, maxValue) : throw Uncounted($"Next({minValue}, {maxValue})");

    public override int Next() => throw Uncounted("Next()");
    public override long NextInt64() => throw Uncounted("NextInt64()");
    public override long NextInt64(long maxValue) => throw Uncounted("NextInt64(max)");
    public override long NextInt64(long minValue, long maxValue) => throw Uncounted("NextInt64(min, max)");
    public override float NextSingle() => throw Uncounted("NextSingle()");
    public override void NextBytes(byte[] buffer) => throw Uncounted("NextBytes");
    public override void NextBytes(Span<byte> buffer) => throw Uncounted("NextBytes");

    private static NotSupportedException Uncounted(string method) =>
        new($"CountedRandom.{method} draws outside Sample() and would not be counted; use Next(n), Next(a, b) or NextDouble().");
}
