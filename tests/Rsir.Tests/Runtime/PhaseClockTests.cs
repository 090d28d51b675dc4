using Rsir.Models;
using Rsir.Runtime;
using Rsir.Tests.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Tests.Runtime;

public class PhaseClockTests
{
    [Fact]
    public void Hooks_count_each_linear_layers_work_from_the_shapes_it_saw_and_the_attention_by_its_own_rule()
    {
        var options = new BackboneOptions { Dim = 16, Heads = 2, FeedForward = 24, Layers = 2, MaxLength = 10, Dropout = 0 };
        var model = new SasRec(30, options);
        var clock = new PhaseClock();
        using (clock.Observe(model))
        using (NewDisposeScope())
        using (no_grad())
            model.Encode(randint(1, 31, new long[] { 3, 7 }));

        // Per layer: query/key/value 16→48, output 16→16, feed-forward 16→24→16, over 3 × 7 rows.
        double rows = 3 * 7, perLayer = 2 * rows * (16 * 48 + 16 * 16 + 16 * 24 + 24 * 16);
        Assert.Equal(2 * perLayer, clock["forward: Linear"].Flops, 6);
        Assert.Equal(8, clock["forward: Linear"].Calls);
        Assert.Equal(2 * 2.0 * 3 * 7 * 8 * 16, clock["forward: CausalSelfAttention"].Flops, 6);
        Assert.Equal(2, clock["forward: TransformerLayer"].Calls);

        // Exclusive times: a layer's own time excludes its children's, so the parts never exceed the whole.
        double parts = clock.Phases.Where(p => p.Phase.StartsWith("forward: ")).Sum(p => p.Seconds);
        Assert.All(clock.Phases, p => Assert.True(p.Seconds >= 0, $"{p.Phase}: {p.Seconds}"));
        Assert.True(parts > 0);
    }

    [Fact]
    public void Nested_phases_and_unhooking()
    {
        var clock = new PhaseClock();
        using (clock.Time("outer"))
        {
            using (clock.Time("inner")) Thread.Sleep(20);
            Thread.Sleep(5);
        }
        Assert.True(clock["outer"].Seconds >= clock["inner"].Seconds);
        Assert.True(clock["inner"].Seconds >= 0.015, $"{clock["inner"].Seconds}");

        var model = new SasRec(10, new BackboneOptions { Dim = 8, Heads = 1, FeedForward = 8, Layers = 1, MaxLength = 5 });
        using (clock.Observe(model)) { }
        using (NewDisposeScope()) using (no_grad()) model.Encode(randint(1, 11, new long[] { 2, 3 }));
        Assert.Equal(0, clock["forward: Linear"].Calls);
        clock.Reset();
        Assert.Empty(clock.Phases);
    }

    [Fact]
    public void Bench_roofline_reports_every_phase_with_its_work_and_a_fraction_of_the_measured_peak()
    {
        var (code, json) = LoopReadBackTests.RunCli("bench", "--dataset", "beauty", "--limit-users", "300", "--roofline",
            "--generation", "--json");
        Assert.Equal(0, code);
        var roofline = json.GetProperty("roofline");
        double peak = roofline.GetProperty("fp32_peak_gflop_per_second").GetDouble();
        Assert.True(peak > 0);
        foreach (var part in new[] { "epoch", "evaluation", "generation" })
        {
            var p = roofline.GetProperty(part);
            Assert.True(p.GetProperty("seconds").GetDouble() > 0, part);
            Assert.True(p.GetProperty("gflop").GetDouble() > 0, part);
            double fraction = p.GetProperty("fraction_of_peak").GetDouble();
            Assert.InRange(fraction, 1e-6, 1.0);
            var phases = p.GetProperty("phases").EnumerateArray().Select(x => x.GetProperty("phase").GetString()).ToArray();
            Assert.Contains("Linear", phases);
        }
        var epochPhases = roofline.GetProperty("epoch").GetProperty("phases").EnumerateArray().Select(x => x.GetProperty("phase").GetString()).ToArray();
        Assert.Contains("backward", epochPhases);
        Assert.Contains("loss", epochPhases);
        Assert.Contains("optimizer", epochPhases);
    }
}
