using Rsir.Generation;

namespace Rsir.Tests.Generation;

public class GenerationOptionsTests
{
    [Fact]
    public void DefaultsAreTheReleasedCode()
    {
        var o = new GenerationOptions().Validate();
        Assert.Equal(5, o.M);
        Assert.Equal(0.5, o.P);
        Assert.Equal(20, o.Tau);
        Assert.True(o.FidelityControl);
        Assert.Equal(Decoding.Greedy, o.Decoding);
        Assert.Equal(PrefixPolicy.FirstItem, o.Prefix);
        Assert.Equal(JudgeFailurePolicy.KeepLastItem, o.OnJudgeFailure);
        Assert.Equal(50, o.MaxLength);
        Assert.Equal(3, o.MinLength);
        Assert.Equal(SeedRows.All, o.SeedRows);
        Assert.False(o.WithoutFidelityControl().FidelityControl);
    }

    [Theory]
    [InlineData("M")]
    [InlineData("P")]
    [InlineData("Tau")]
    [InlineData("K")]
    [InlineData("Temperature")]
    [InlineData("MaxLength")]
    [InlineData("MinLength")]
    [InlineData("BatchSize")]
    public void OutOfRangeSettingsAreRejectedByName(string setting)
    {
        var bad = setting switch
        {
            "M" => new GenerationOptions { M = 0 },
            "P" => new GenerationOptions { P = 1.5 },
            "Tau" => new GenerationOptions { Tau = 0 },
            "K" => new GenerationOptions { K = 0 },
            "Temperature" => new GenerationOptions { Temperature = 0 },
            "MaxLength" => new GenerationOptions { MaxLength = 1, MinLength = 1 },
            "MinLength" => new GenerationOptions { MinLength = 51 },
            "BatchSize" => new GenerationOptions { BatchSize = 4 },
            _ => throw new ArgumentException(setting),
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => bad.Validate());
        Assert.Equal(setting, error.ParamName);
        Assert.StartsWith(setting, error.Message);
    }

    [Fact]
    public void GeneratorRejectsMaxLengthBeyondTheModel()
    {
        var model = new LastItemScorer(10, seed: 1, maxLength: 20);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticSequenceGenerator(model, new GenerationOptions { MaxLength = 21 }));
        Assert.Contains("MaxLength", error.Message);
    }
}
