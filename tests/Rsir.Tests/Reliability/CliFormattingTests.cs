using Rsir.Cli;

namespace Rsir.Tests.Reliability;

public class CliFormattingTests
{
    [Theory]
    [InlineData(0.00224, "+0.0022")]
    [InlineData(-0.00131, "-0.0013")]
    [InlineData(-0.000004, "0.0000")]   // .NET's "+0.0000;-0.0000" prints "-+0.0000" here
    [InlineData(0.000004, "0.0000")]
    [InlineData(0.0, "0.0000")]
    public void Signed_differences_never_print_a_double_sign(double difference, string expected) =>
        Assert.Equal(expected, CliRunner.Signed(difference));
}
