using Rsir.Analysis;
using Rsir.Data;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Tests.Generation;

namespace Rsir.Tests.Analysis;

public class JudgeMissRateTests
{
    private static readonly GeneratedSequence[] Sequences =
    {
        new(new[] { 3, 7, 1, 12 }, PrefixLength: 1),
        new(new[] { 5, 2 }, PrefixLength: 1),
        new(new[] { 4, 9, 11, 6, 8, 10 }, PrefixLength: 2),
        new(new[] { 2, 6 }, PrefixLength: 2),          // nothing generated
    };

    /// <summary>One sequence and one step at a time, from the full score vector after the context.</summary>
    private static List<long> ScalarRanks(SequentialRecommender model, IEnumerable<GeneratedSequence> sequences, bool excludeContext)
    {
        var ranks = new List<long>();
        foreach (var s in sequences)
            for (int t = s.PrefixLength; t < s.Items.Length; t++)
            {
                var scores = GenerationTestKit.Scores(model, s.Items[..t]);
                var notCompeting = excludeContext ? s.Items[..t].Append(0).ToHashSet() : new HashSet<int>();
                notCompeting.Add(s.Items[t]);
                ranks.Add(1 + Enumerable.Range(0, scores.Length).Count(j => !notCompeting.Contains(j) && scores[j] > scores[s.Items[t]]));
            }
        return ranks;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ranks_match_a_step_by_step_reference_whatever_the_batching(bool excludeContext)
    {
        using var model = new LastItemScorer(itemCount: 12, seed: 3);
        var expected = ScalarRanks(model, Sequences, excludeContext);
        Assert.Equal(8, expected.Count);
        foreach (var options in new[]
        {
            new MissRateOptions { ExcludeContext = excludeContext },
            new MissRateOptions { ExcludeContext = excludeContext, BatchSize = 1, MaxScoresInMemory = 5 },
            new MissRateOptions { ExcludeContext = excludeContext, BatchSize = 3, MaxScoresInMemory = 17 },
        })
            Assert.Equal(expected, JudgeMissRate.StepRanks(model, Sequences, options));
    }

    [Fact]
    public void Excluding_the_context_can_only_improve_a_rank()
    {
        using var model = new LastItemScorer(itemCount: 12, seed: 8);
        var all = JudgeMissRate.StepRanks(model, Sequences);
        var excluded = JudgeMissRate.StepRanks(model, Sequences, new MissRateOptions { ExcludeContext = true });
        Assert.All(all.Zip(excluded), p => Assert.True(p.Second <= p.First));
        Assert.True(all.Zip(excluded).Any(p => p.Second < p.First), "some context item should have outranked some target");
    }

    [Fact]
    public void A_causal_backbone_scores_every_context_of_a_sequence_in_one_forward()
    {
        using var model = GenerationTestKit.TinySasRec(itemCount: 12, seed: 4);
        Assert.Equal(ScalarRanks(model, Sequences, excludeContext: false), JudgeMissRate.StepRanks(model, Sequences, new MissRateOptions { BatchSize = 2 }));
    }

    [Fact]
    public void The_miss_rate_is_the_share_of_generated_steps_ranked_below_tau()
    {
        using var model = new LastItemScorer(itemCount: 12, seed: 3);
        var ranks = ScalarRanks(model, Sequences, excludeContext: false);
        const double tau = 5;
        var missRate = JudgeMissRate.Measure(model, Sequences, new MissRateOptions { Tau = tau });
        Assert.Equal(8, missRate.Steps);
        Assert.Equal(ranks.Count(r => r > tau), missRate.Misses);
        Assert.InRange(missRate.Misses, 1, 7);   // the case is informative: some steps hit, some miss
        Assert.Equal((double)missRate.Misses / 8, missRate.Rate, 12);
        Assert.Equal(0, JudgeMissRate.Measure(model, Sequences, new MissRateOptions { Tau = 13 }).Misses);

        var pooled = MissRate.Pool(new[] { missRate, new MissRate(2, 2, tau) });
        Assert.Equal((10L, missRate.Misses + 2), (pooled.Steps, pooled.Misses));
    }

    [Fact]
    public void A_generation_round_is_measured_on_its_generated_items()
    {
        var data = GenerationTestKit.MakeDataset(itemCount: 30, users: 24, seed: 2);
        using var generator = new LastItemScorer(30, seed: 1);
        using var reference = new LastItemScorer(30, seed: 2);
        var round = new SyntheticSequenceGenerator(generator, new GenerationOptions { Tau = 10, Prefix = PrefixPolicy.RandomPrefix, MaxLength = 12 })
            .Generate(data, round: 1);
        Assert.NotEmpty(round.Sequences);
        var options = new MissRateOptions { Tau = 10 };
        var measured = JudgeMissRate.Measure(reference, round, options);
        Assert.Equal(round.Sequences.Sum(s => s.Length - s.PrefixLength), measured.Steps);
        var expected = ScalarRanks(reference, round.Sequences.Select(s => new GeneratedSequence(s.Items, s.PrefixLength)), false);
        Assert.Equal(expected.Count(r => r > 10), measured.Misses);
    }

    [Fact]
    public void Prefix_lengths_of_rows_read_back_follow_the_prefix_policy()
    {
        var source = new TrainingRow(1, new[] { 4, 5, 6, 7, 8 }, RowOrigin.Real(1));
        var synthetic = new TrainingRow(100, new[] { 4, 5, 9, 6 }, new RowOrigin(1, 1));
        Assert.Equal(1, JudgeMissRate.PrefixLengths(PrefixPolicy.FirstItem, new[] { source })(synthetic));
        Assert.Equal(2, JudgeMissRate.PrefixLengths(PrefixPolicy.RandomPrefix, new[] { source })(synthetic));
        var orphan = synthetic with { Origin = new RowOrigin(1, 42) };
        Assert.Equal(1, JudgeMissRate.PrefixLengths(PrefixPolicy.RandomPrefix, new[] { source })(orphan));
    }

    [Fact]
    public void Sequences_outside_the_reference_are_refused()
    {
        using var model = new LastItemScorer(itemCount: 12, seed: 3, maxLength: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => JudgeMissRate.StepRanks(model, new[] { new GeneratedSequence(new[] { 1, 13 }, 1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => JudgeMissRate.StepRanks(model, new[] { new GeneratedSequence(new[] { 1, 2, 3, 4, 5, 6 }, 1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => JudgeMissRate.StepRanks(model, new[] { new GeneratedSequence(new[] { 1, 2 }, 0) }));
    }
}
