using System.Reflection;
using System.Text.Json;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Models;

namespace Rsir.Tests.Experiments;

public class ExperimentKeyTests
{
    private static readonly RsirLoopOptions Loop = new()
    {
        Run = new TrainingRunOptions { Dataset = "beauty", LimitUsers = 300, Evaluation = new EvaluationOptions { Cutoffs = new[] { 10, 20 } } },
        Rounds = 2,
    };

    [Fact]
    public void A_loop_read_back_from_its_options_file_is_the_same_experiment()
    {
        var saved = JsonSerializer.Deserialize<RsirLoopOptions>(JsonSerializer.Serialize(Loop, ResultsFolder.Json), ResultsFolder.Json)!;
        Assert.NotSame(Loop.Run.Evaluation.Cutoffs, saved.Run.Evaluation.Cutoffs);
        Assert.Equal(Loop.Experiment(), saved.Experiment());
        Assert.Equal(Loop.BaseRecipe(), saved.BaseRecipe());
    }

    [Fact]
    public void Rounds_and_device_do_not_change_the_experiment_and_everything_else_does()
    {
        Assert.Equal(Loop.Experiment(), (Loop with { Rounds = 5, Run = Loop.Run with { Device = "cuda" } }).Experiment());
        var others = new[]
        {
            Loop with { Run = Loop.Run with { Training = Loop.Run.Training with { LearningRate = 0.002 } } },
            Loop with { Run = Loop.Run with { Evaluation = Loop.Run.Evaluation with { Cutoffs = new[] { 10, 50 } } } },
            Loop with { Generation = Loop.Generation with { Tau = double.PositiveInfinity } },
            Loop with { Generation = Loop.Generation with { Seed = 7 } },
            Loop with { FineTune = true },
            Loop with { Teacher = new BackboneOptions { Kind = "hstu" } },
        };
        foreach (var other in others) Assert.NotEqual(Loop.Experiment(), other.Experiment());
        // Only the data, backbone, recipe and teacher make the base model.
        Assert.Equal(Loop.BaseRecipe(), (Loop with { Generation = Loop.Generation with { Tau = 5 }, FineTune = true }).BaseRecipe());
        Assert.NotEqual(Loop.BaseRecipe(), (Loop with { Teacher = new BackboneOptions { Kind = "hstu" } }).BaseRecipe());
    }

    [Fact]
    public void Evaluation_options_differ_when_any_of_their_settings_differs()
    {
        // EvaluationOptions compares its cut-offs by element, so its equality is written by hand: a setting added
        // later must be added there too, or two different protocols would count as one experiment.
        var original = new EvaluationOptions();
        Assert.Equal(original, new EvaluationOptions { Cutoffs = new[] { 5, 10, 20 } });
        foreach (var property in typeof(EvaluationOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var changed = original with { };
            object value = property.GetValue(original) switch
            {
                int i => i + 1,
                long l => l + 1,
                bool b => !b,
                IReadOnlyList<int> list => list.Append(50).ToArray(),
                var other => throw new InvalidOperationException($"add a changed value for {property.Name} ({other?.GetType().Name})"),
            };
            property.SetValue(changed, value);
            Assert.False(original.Equals(changed), $"changing {property.Name} left the options equal");
        }
    }
}
