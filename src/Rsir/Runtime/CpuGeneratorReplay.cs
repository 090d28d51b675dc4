using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>
/// libtorch's CPU generator, replayed in C#: reads a <see cref="Generator"/>'s Mersenne Twister (mt19937) state, draws
/// the numbers <c>torch.rand</c> would draw from it, and writes the advanced state back. libtorch draws CPU uniforms one
/// element at a time under the generator's lock (about 10 ns each here); a training epoch draws ~120 M of them for
/// dropout masks and negatives. This draws the same words in the same order, vectorised, so every seeded run keeps its
/// numbers bit for bit (tested against libtorch, including the generator state afterwards).
/// float32: the low 24 bits of one word times 2^-24; float64: the low 53 bits of (first word ≪ 32 | second word) times
/// 2^-53 (libtorch's <c>uniform_real_distribution</c>). Not thread-safe against other draws from the same generator.
/// </summary>
internal static class CpuGeneratorReplay
{
    private const int N = 624, M = 397;
    private const uint UpperMask = 0x80000000u, LowerMask = 0x7fffffffu, MatrixA = 0x9908b0dfu;

    // libtorch's CPUGeneratorImplState: seed (u64), left (i32), seeded (i32), next (u64), state[624] (u64 each), …
    private const int LeftOffset = 8, NextOffset = 16, WordsOffset = 24, StateBytes = 5056;

    private static Generator? defaultGenerator;

    /// <summary>torch's default CPU generator (what <c>rand_like</c> draws from). One wrapper, kept: each read of
    /// <see cref="Generator.Default"/> makes a new native handle.</summary>
    public static Generator DefaultGenerator => defaultGenerator ??= Generator.Default;

    /// <summary><c>torch.rand(shape, dtype, generator)</c> on the CPU, float32 or float64.</summary>
    public static Tensor Rand(Generator generator, long[] shape, ScalarType dtype = ScalarType.Float32)
    {
        var drawn = empty(shape, dtype, CPU);
        if (dtype == ScalarType.Float32) Fill<float>(drawn, span => FillUniform(generator, span));
        else if (dtype == ScalarType.Float64) Fill<double>(drawn, span => FillUniform(generator, span));
        else throw new ArgumentException($"Uniform draws are float32 or float64, not {dtype}.", nameof(dtype));
        return drawn;
    }

    /// <summary><c>rand(shape, generator).ge_(p).mul_(keep)</c> on the CPU, float32: a dropout mask already scaled.</summary>
    public static Tensor KeepMask(Generator generator, long[] shape, float p, float keep)
    {
        var mask = empty(shape, ScalarType.Float32, CPU);
        Fill<float>(mask, span => FillKeepMask(generator, span, p, keep));
        return mask;
    }

    private delegate void SpanFill<T>(Span<T> span);

    /// <summary>Hands a fresh contiguous tensor's memory to <paramref name="fill"/>, in pieces a span can hold.</summary>
    private static void Fill<T>(Tensor t, SpanFill<T> fill) where T : unmanaged
    {
        using var scope = NewDisposeScope();
        long total = t.numel();
        const int piece = 1 << 28;
        unsafe
        {
            T* start = HostTensors.Pointer<T>(t);
            for (long done = 0; done < total; done += piece)
                fill(new Span<T>(start + done, (int)Math.Min(piece, total - done)));
        }
    }

    /// <summary>Fills <paramref name="destination"/> with what <c>torch.rand(n, generator)</c> would return.</summary>
    private static void FillUniform(Generator generator, Span<float> destination)
    {
        var words = MemoryMarshal.Cast<float, uint>(destination);
        Draw(generator, words);
        var mask = new Vector<uint>(0xFFFFFFu);
        var scale = new Vector<float>(1f / 16777216f);
        int i = 0;
        for (; i + Vector<uint>.Count <= words.Length; i += Vector<uint>.Count)
        {
            var fraction = Vector.ConvertToSingle(Vector.AsVectorInt32(new Vector<uint>(words[i..]) & mask)) * scale;
            fraction.CopyTo(destination[i..]);
        }
        for (; i < words.Length; i++) destination[i] = (words[i] & 0xFFFFFFu) * (1f / 16777216f);
    }

    /// <summary>What <c>rand(n, generator).ge_(p).mul_(keep)</c> would return: <paramref name="keep"/> where the uniform
    /// is at least <paramref name="p"/>, 0 elsewhere (a dropout mask already scaled).</summary>
    private static void FillKeepMask(Generator generator, Span<float> destination, float p, float keep)
    {
        FillUniform(generator, destination);
        var threshold = new Vector<float>(p);
        var kept = new Vector<float>(keep);
        int i = 0;
        for (; i + Vector<float>.Count <= destination.Length; i += Vector<float>.Count)
        {
            var u = new Vector<float>(destination[i..]);
            Vector.ConditionalSelect(Vector.GreaterThanOrEqual(u, threshold), kept, Vector<float>.Zero).CopyTo(destination[i..]);
        }
        for (; i < destination.Length; i++) destination[i] = destination[i] >= p ? keep : 0f;
    }

    /// <summary>Fills <paramref name="destination"/> with what <c>torch.rand(n, dtype: float64, generator)</c> would return.</summary>
    private static void FillUniform(Generator generator, Span<double> destination)
    {
        var words = MemoryMarshal.Cast<double, uint>(destination);
        Draw(generator, words);
        for (int i = 0; i < destination.Length; i++)
        {
            ulong bits = ((ulong)words[2 * i] << 32) | words[2 * i + 1];
            destination[i] = (bits & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
        }
    }

    /// <summary>The next <c>output.Length</c> tempered 32-bit words of the generator's stream.</summary>
    private static void Draw(Generator generator, Span<uint> output)
    {
        using var scope = NewDisposeScope();
        var stateTensor = generator.get_state();
        if (stateTensor.dtype != ScalarType.Byte || stateTensor.numel() != StateBytes || !HostTensors.IsHost(stateTensor, ScalarType.Byte))
            throw new InvariantException($"libtorch's CPU generator state has {stateTensor.numel()} bytes of {stateTensor.dtype}; the replay knows the {StateBytes}-byte layout of libtorch 2.10.");
        Span<byte> bytes;
        unsafe { bytes = new Span<byte>(HostTensors.Pointer<byte>(stateTensor), StateBytes); }

        Span<uint> state = stackalloc uint[N];
        for (int k = 0; k < N; k++) state[k] = (uint)BitConverter.ToUInt64(bytes[(WordsOffset + 8 * k)..]);
        int left = BitConverter.ToInt32(bytes[LeftOffset..]);
        int next = (int)BitConverter.ToUInt64(bytes[NextOffset..]);
        if (left < 1 || next < 0 || next + left - 1 > N)
            throw new InvariantException($"libtorch's CPU generator state has left = {left}, next = {next}; expected left + next ≤ {N + 1}.");

        // libtorch: each draw does `if (--left == 0) twist(); return temper(state[next++]);`
        int written = 0;
        while (written < output.Length)
        {
            if (left == 1) { Twist(state); left = N + 1; next = 0; }
            int take = Math.Min(left - 1, output.Length - written);
            Temper(state.Slice(next, take), output.Slice(written, take));
            next += take; left -= take; written += take;
        }

        BitConverter.TryWriteBytes(bytes[LeftOffset..], left);
        BitConverter.TryWriteBytes(bytes[NextOffset..], (ulong)next);
        for (int k = 0; k < N; k++) BitConverter.TryWriteBytes(bytes[(WordsOffset + 8 * k)..], (ulong)state[k]);
        generator.set_state(stateTensor);
    }

    private static uint Twist(uint u, uint v) => (((u & UpperMask) | (v & LowerMask)) >> 1) ^ ((v & 1u) != 0 ? MatrixA : 0u);

    private static Vector<uint> Twist(Vector<uint> u, Vector<uint> v)
    {
        var mixed = (u & new Vector<uint>(UpperMask)) | (v & new Vector<uint>(LowerMask));
        var odd = Vector.Equals(v & Vector<uint>.One, Vector<uint>.One);
        return Vector.ShiftRightLogical(mixed, 1) ^ (odd & new Vector<uint>(MatrixA));
    }

    /// <summary>mt19937's state transition. Vectors of W words read state[i + 1] before any of them is rewritten and
    /// state[i ± M] only where it is already final (i + M not yet rewritten, i + M − N already rewritten), as the scalar
    /// loop does.</summary>
    private static void Twist(Span<uint> s)
    {
        int w = Vector<uint>.Count, i = 0;
        for (; i + w <= N - M; i += w)
            (new Vector<uint>(s[(i + M)..]) ^ Twist(new Vector<uint>(s[i..]), new Vector<uint>(s[(i + 1)..]))).CopyTo(s[i..]);
        for (; i < N - M; i++) s[i] = s[i + M] ^ Twist(s[i], s[i + 1]);
        for (; i + w <= N - 1; i += w)
            (new Vector<uint>(s[(i + M - N)..]) ^ Twist(new Vector<uint>(s[i..]), new Vector<uint>(s[(i + 1)..]))).CopyTo(s[i..]);
        for (; i < N - 1; i++) s[i] = s[i + M - N] ^ Twist(s[i], s[i + 1]);
        s[N - 1] = s[M - 1] ^ Twist(s[N - 1], s[0]);
    }

    private static void Temper(ReadOnlySpan<uint> words, Span<uint> output)
    {
        int i = 0;
        for (; i + Vector<uint>.Count <= words.Length; i += Vector<uint>.Count)
        {
            var y = new Vector<uint>(words[i..]);
            y ^= Vector.ShiftRightLogical(y, 11);
            y ^= Vector.ShiftLeft(y, 7) & new Vector<uint>(0x9d2c5680u);
            y ^= Vector.ShiftLeft(y, 15) & new Vector<uint>(0xefc60000u);
            y ^= Vector.ShiftRightLogical(y, 18);
            y.CopyTo(output[i..]);
        }
        for (; i < words.Length; i++)
        {
            uint y = words[i];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680u;
            y ^= (y << 15) & 0xefc60000u;
            y ^= y >> 18;
            output[i] = y;
        }
    }
}
