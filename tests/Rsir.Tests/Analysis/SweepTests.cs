using Rsir.Experiments;
using Rsir.Interactive;

namespace Rsir.Tests.Analysis;

public class SweepTests
{
    [Fact]
    public void A_sweep_trains_the_base_once_and_resumes_skipping_finished_points()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-sweep-").FullName;
        try
        {
            var options = new SweepOptions { Loop = TinyLoop.Options(TinyLoop.WriteDataset(folder)), Parameter = SweepParameter.Tau, Values = new double[] { 1, 50 } };
            var root = Path.Combine(folder, "sweep");

            var interrupted = new Sweep(options);
            using var stop = new CancellationTokenSource();
            interrupted.PointCompleted += _ => stop.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Run(root, stop.Token));
            var firstPoint = Path.Combine(root, "points", "tau-1.json");
            Assert.True(File.Exists(firstPoint));
            Assert.False(File.Exists(Path.Combine(root, "points", "tau-50.json")));
            var stamp = File.GetLastWriteTimeUtc(firstPoint);
            var baseModel = File.GetLastWriteTimeUtc(Path.Combine(root, "base", "round-00", "model.bin"));

            var stages = new List<string>();
            var resumed = new Sweep(options);
            resumed.Stage += (label, _) => stages.Add(label);
            var result = resumed.Run(root);
            Assert.Equal(new[] { true, false }, result.Points.Select(p => p.Resumed));
            Assert.DoesNotContain("tau-1", stages);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(firstPoint));
            Assert.Equal(baseModel, File.GetLastWriteTimeUtc(Path.Combine(root, "base", "round-00", "model.bin")));

            // Every point starts from the shared base model and runs one round with its own τ.
            Assert.All(result.Points, p => Assert.Equal(result.Base.Test, p.Rounds[0].Test));
            Assert.All(result.Points, p => Assert.Equal(2, p.Rounds.Count));
            Assert.True(result.Points[0].Final.Generation!.JudgePassRate < result.Points[1].Final.Generation!.JudgePassRate,
                "a stricter judge (τ = 1) should pass fewer steps than τ = 50");
            var frame = result.ToDataFrame();
            Assert.Equal(2, frame.Rows.Count);
            Assert.Equal(3, File.ReadAllLines(Path.Combine(root, "sweep.csv")).Length);

            var read = Sweep.Read(root);   // what a notebook loads from a sweep the CLI ran
            Assert.Equal(result.Points.Select(p => p.Value), read.Points.Select(p => p.Value));
            Assert.Equal(result.Points.Select(p => p.Final.Test), read.Points.Select(p => p.Final.Test));
            Assert.Equal(result.Base.Test, read.Base.Test);
            Assert.Equal(SweepParameter.Tau, read.Options.Parameter);

            var changed = options with { Loop = options.Loop with { Run = options.Loop.Run with { Training = options.Loop.Run.Training with { Seed = 9 } } } };
            Assert.Throws<InvalidOperationException>(() => new Sweep(changed).Run(root));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Sweep_settings_are_validated_before_anything_trains()
    {
        var loop = TinyLoop.Options("unused.txt");
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepOptions { Loop = loop, Parameter = SweepParameter.M, Values = new[] { 2.5 } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepOptions { Loop = loop, Parameter = SweepParameter.P, Values = new[] { 1.5 } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepOptions { Loop = loop, Parameter = SweepParameter.Tau, Values = new[] { 0.0 } }.Validate());
        Assert.Throws<ArgumentException>(() => new SweepOptions { Loop = loop, Values = new[] { 5.0, 5.0 } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepOptions { Loop = loop with { Rounds = 0 } }.Validate());
        Assert.Equal("tau-inf", SweepOptions.Label(SweepParameter.Tau, double.PositiveInfinity));
        Assert.Equal("p-0.25", SweepOptions.Label(SweepParameter.P, 0.25));

        var (code, json) = LoopReadBackTests.RunCli("sweep", "--dataset", "unused.txt", "--param", "m", "--values", "2,x", "--json");
        Assert.Equal(2, code);
        Assert.Contains("'x'", json.GetProperty("error").GetString());
    }
}
