using Rsir.Experiments;
using Rsir.Runtime;

namespace Rsir.Tests.Runtime;

public class PrecisionTests
{
    [Fact]
    public void Tf32_follows_the_run_options_and_is_recorded_only_when_on()
    {
        try
        {
            var exact = new TrainingRunOptions { Device = "cpu" };
            exact.ResolveDeviceAndPrecision();
            Assert.False(ComputeDevice.Tf32Allowed);
            (exact with { Tf32 = true }).ResolveDeviceAndPrecision();
            Assert.True(ComputeDevice.Tf32Allowed);
            exact.ResolveDeviceAndPrecision();   // the next run without it turns it off again
            Assert.False(ComputeDevice.Tf32Allowed);
            Assert.DoesNotContain("Tf32", System.Text.Json.JsonSerializer.Serialize(exact));
            Assert.Contains("\"Tf32\":true", System.Text.Json.JsonSerializer.Serialize(exact with { Tf32 = true }));
        }
        finally { ComputeDevice.SetTf32(false); }
    }
}
