using System.Runtime.InteropServices;
using Rsir.Cli;
using TorchSharp;

namespace Rsir.Tests.Runtime;

public class NativeErrorTests
{
    /// <summary>A libtorch error (here a failed allocation, as a CUDA out-of-memory is) ends a command as a failure with
    /// one line that says what to try, not a .NET stack trace or a C++ backtrace.</summary>
    [Fact]
    public void A_native_out_of_memory_error_is_a_one_line_failure()
    {
        var error = Assert.ThrowsAny<ExternalException>(() => torch.empty(new long[] { 1L << 22, 1L << 22 }));
        Assert.Equal(CliRunner.Failure, CliRunner.Classify(error));
        Assert.Equal(CliRunner.Failure, CliRunner.Classify(new AggregateException(error)));
        string line = CliRunner.Describe(error);
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("out of memory: ", line);
        Assert.Contains("BatchSize", line);
    }

    [Fact]
    public void Other_native_errors_keep_their_first_line_only()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(4, 5);
        var error = Assert.ThrowsAny<ExternalException>(() => torch.cat(new[] { a, b }, 0));
        string line = CliRunner.Describe(error);
        Assert.StartsWith("libtorch: ", line);
        Assert.DoesNotContain('\n', line);
        Assert.Equal(CliRunner.Failure, CliRunner.Classify(error));
    }

    [Fact]
    public void Bad_input_and_broken_invariants_are_told_apart()
    {
        Assert.Equal(CliRunner.BadInput, CliRunner.Classify(new ArgumentOutOfRangeException("Dim", "Dim must be ≥ 1; got 0.")));
        Assert.Null(CliRunner.Classify(new Rsir.Runtime.InvariantException("hidden states do not match the candidates")));
        Assert.Null(CliRunner.Classify(new AggregateException(new Rsir.Runtime.InvariantException("inner"))));
    }
}
