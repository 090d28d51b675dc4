using Rsir.Data;
using Rsir.Generation;
using Rsir.Models;
using static Rsir.Tests.Generation.GenerationTestKit;

namespace Rsir.Tests.Generation;

public class SyntheticSequenceGeneratorTests
{
    private const int Items = 30;
    private static readonly Dataset Toy = MakeDataset(Items, users: 14, seed: 1);

    private static GenerationRound Run(SequentialRecommender model, Dataset data, GenerationOptions options, GenerationTrace? trace = null) =>
        new SyntheticSequenceGenerator(model, options).Generate(data, round: 1, trace);

    private static readonly string[] ScenarioNames =
    {
        "greedy, keep last item, tau 5, several chunks",
        "greedy, roll back, tau 5",
        "greedy, no judge, short max length",
        "top-k 4, temperature 0.7, random prefix, tau 8",
        "top-k 3, roll back, p 0.8, random prefix, tau 4",
        "sasrec greedy, tau 10",
        "sasrec top-k 5, random prefix, tau 15",
    };

    public static TheoryData<string> Scenarios => new(ScenarioNames);

    private static (SequentialRecommender Model, Dataset Data, GenerationOptions Options) Scenario(string name) => name switch
    {
        "greedy, keep last item, tau 5, several chunks" =>
            (new LastItemScorer(Items, seed: 7), Toy, new GenerationOptions { M = 4, Tau = 5, BatchSize = 8, Seed = 11 }),
        "greedy, roll back, tau 5" =>
            (new LastItemScorer(Items, seed: 7), Toy, new GenerationOptions { M = 4, Tau = 5, OnJudgeFailure = JudgeFailurePolicy.RollBack, BatchSize = 12 }),
        "greedy, no judge, short max length" =>
            (new LastItemScorer(Items, seed: 3), Toy, new GenerationOptions { M = 3, Tau = double.PositiveInfinity, MaxLength = 7, BatchSize = 9 }),
        "top-k 4, temperature 0.7, random prefix, tau 8" =>
            (new LastItemScorer(Items, seed: 5), Toy, new GenerationOptions
            { M = 5, Tau = 8, Decoding = Decoding.TopK, K = 4, Temperature = 0.7, Prefix = PrefixPolicy.RandomPrefix, BatchSize = 20 }),
        "top-k 3, roll back, p 0.8, random prefix, tau 4" =>
            (new LastItemScorer(Items, seed: 9), Toy, new GenerationOptions
            {
                M = 3, P = 0.8, Tau = 4, Decoding = Decoding.TopK, K = 3, Temperature = 2, Prefix = PrefixPolicy.RandomPrefix,
                OnJudgeFailure = JudgeFailurePolicy.RollBack, BatchSize = 6,
            }),
        "sasrec greedy, tau 10" =>
            (TinySasRec(40, seed: 2), MakeDataset(40, users: 10, seed: 4), new GenerationOptions { M = 3, Tau = 10, BatchSize = 9 }),
        "sasrec top-k 5, random prefix, tau 15" =>
            (TinySasRec(40, seed: 2), MakeDataset(40, users: 10, seed: 4), new GenerationOptions
            { M = 3, Tau = 15, Decoding = Decoding.TopK, K = 5, Prefix = PrefixPolicy.RandomPrefix, BatchSize = 30 }),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void BatchedGeneratorMatchesTheScalarReferenceForTheSameDraws(string scenario)
    {
        var (model, data, options) = Scenario(scenario);
        var steps = new List<GenerationStep>();
        var round = Run(model, data, options, GenerationTrace.Everything(steps));

        // Feed the reference exactly the draws the batched generator used (read back from the trace).
        var byStep = steps.ToDictionary(s => (s.SeedRow, s.Copy, s.Step));
        var draws = new ReferenceGenerator.Draws(
            PoolDraw: (row, copy, step) => byStep[(row, copy, step)].PoolDraw ?? throw new InvalidOperationException($"no pool draw at {row}/{copy}/{step}"),
            PickDraw: (row, copy, step) => byStep[(row, copy, step)].PickDraw ?? throw new InvalidOperationException($"no pick draw at {row}/{copy}/{step}"),
            PrefixLength: (row, copy) => byStep[(row, copy, 1)].Context.Length);
        var tried = ReferenceGenerator.Generate(model, data.TrainRows, options, draws);

        // Every tried sequence and stop reason, as the trace saw them …
        var finals = FinalSequences(steps);
        Assert.Equal(tried.Count, finals.Count);
        foreach (var t in tried)
        {
            var (items, stop, _) = finals[(t.SeedRow, t.Copy)];
            Assert.True(t.Items.SequenceEqual(items), $"{scenario}: row {t.SeedRow} copy {t.Copy}: reference [{string.Join(",", t.Items)}] vs batched [{string.Join(",", items)}]");
            Assert.Equal(t.Stop, stop);
        }

        // … and the kept, deduplicated output.
        var expected = ReferenceGenerator.KeepAndDeduplicate(tried, options.MinLength);
        Assert.Equal(expected.Select(s => (s.SeedRow, s.Copy, string.Join(",", s.Items), s.Stop)),
            round.Sequences.Select(s => (s.SeedRow, s.Copy, string.Join(",", s.Items), s.StopReason)));
        Assert.Equal(tried.Count, round.Statistics.SequencesTried);
        foreach (var reason in Enum.GetValues<StopReason>())
            Assert.Equal(tried.Count(t => t.Stop == reason), round.Statistics.StopReasonsTried[reason]);
    }

    [Fact]
    public void TheScenariosExerciseEveryStopReasonAndPool()
    {
        var reasons = new HashSet<StopReason>();
        var pools = new HashSet<CandidatePool>();
        foreach (var scenario in ScenarioNames)
        {
            var (model, data, options) = Scenario(scenario);
            var steps = new List<GenerationStep>();
            Run(model, data, options, GenerationTrace.Everything(steps));
            reasons.UnionWith(steps.Where(s => s.Stop is not null).Select(s => s.Stop!.Value));
            pools.UnionWith(steps.Where(s => s.Pool is not null).Select(s => s.Pool!.Value));
        }
        // T3 is unreachable when T1 is checked first (both pools then hold an unused real item), as the notes say.
        Assert.Equal(new[] { StopReason.AllRealItemsUsed, StopReason.JudgeFailed, StopReason.ReachedMaxLength }, reasons.Order());
        Assert.Equal(2, pools.Count);
    }

    [Fact]
    public void SameSeedGivesTheSameRoundAndTracingChangesNothing()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var options = new GenerationOptions { M = 4, Tau = 6, Decoding = Decoding.TopK, K = 3, Prefix = PrefixPolicy.RandomPrefix, BatchSize = 16, Seed = 5 };
        string Fingerprint(GenerationRound r) => string.Join(";", r.Sequences.Select(s => $"{s.PseudoUser}:{s.StopReason}:{string.Join(",", s.Items)}"));

        var first = Run(model, Toy, options);
        var again = Run(model, Toy, options);
        var traced = Run(model, Toy, options, GenerationTrace.ForUser(3, new List<GenerationStep>()));
        var otherSeed = Run(model, Toy, options with { Seed = 6 });
        Assert.Equal(Fingerprint(first), Fingerprint(again));
        Assert.Equal(Fingerprint(first), Fingerprint(traced));
        Assert.NotEqual(Fingerprint(first), Fingerprint(otherSeed));
    }

    [Fact]
    public void ChunkSizeDoesNotChangeGreedyOutputWhenEveryStepTakesTheSamePool()
    {
        // With p = 1 there is no randomness left, so the chunking of seed rows cannot matter.
        var model = new LastItemScorer(Items, seed: 7);
        var options = new GenerationOptions { M = 2, P = 1, Tau = 6 };
        var small = Run(model, Toy, options with { BatchSize = 2 });
        var large = Run(model, Toy, options with { BatchSize = 1000 });
        Assert.Equal(small.Sequences.Select(s => string.Join(",", s.Items)), large.Sequences.Select(s => string.Join(",", s.Items)));
    }

    [Fact]
    public void ProgressCountsTheSeedRowsDoneAfterEachChunkAndChangesNothing()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var options = new GenerationOptions { M = 2, Tau = 6, BatchSize = 4, Seed = 5 };   // 2 seed rows per chunk
        var told = new List<string>();
        var reported = new SyntheticSequenceGenerator(model, options) { Progress = told.Add, ProgressInterval = TimeSpan.Zero }
            .Generate(Toy, round: 1);
        int rows = Toy.TrainRows.Count;
        Assert.Equal(Enumerable.Range(1, (rows - 1) / 2).Select(chunk => $"{2 * chunk} of {rows} seed rows"),
            told.Select(text => text[..text.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.All(told, text => Assert.Matches(@"\(\d+%\), about \d+:\d\d:\d\d left$", text));
        Assert.Equal(Run(model, Toy, options).Sequences.Select(s => string.Join(",", s.Items)),
            reported.Sequences.Select(s => string.Join(",", s.Items)));
    }

    [Fact]
    public void InfiniteTauNeverStopsOnTheJudge()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var withJudge = Run(model, Toy, new GenerationOptions { M = 4, Tau = 2 });
        var withoutJudge = Run(model, Toy, new GenerationOptions { M = 4 }.WithoutFidelityControl());
        Assert.True(withJudge.Statistics.StopReasonsTried[StopReason.JudgeFailed] > 0);
        Assert.Equal(0, withoutJudge.Statistics.StopReasonsTried[StopReason.JudgeFailed]);
        Assert.Equal(withoutJudge.Judge.StepsJudged, withoutJudge.Judge.StepsPassed);
        Assert.Equal(1.0, withoutJudge.Statistics.JudgePassRate);
        Assert.True(withoutJudge.Judge.StepsJudged > 0);
        Assert.True(withoutJudge.Statistics.MeanLength > withJudge.Statistics.MeanLength);
    }

    [Fact]
    public void RunToMaxLengthStopsOnlyAtTheMaximumLength()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var noJudge = new GenerationOptions { M = 4, MaxLength = 20 }.WithoutFidelityControl();
        var untilRealEnd = Run(model, Toy, noJudge);
        var untilMaxLength = Run(model, Toy, noJudge with { RunToMaxLength = true });

        Assert.True(untilRealEnd.Statistics.StopReasonsTried[StopReason.AllRealItemsUsed] > 0);
        Assert.All(untilMaxLength.Sequences, s => Assert.Equal(20, s.Length));
        Assert.Equal(untilMaxLength.Statistics.SequencesTried, untilMaxLength.Statistics.StopReasonsTried[StopReason.ReachedMaxLength]);
        foreach (var s in untilMaxLength.Sequences) Assert.Equal(s.Items.Length, s.Items.Distinct().Count());
        // Steps after the real items are used up have nothing to judge: fewer judged steps than extensions.
        Assert.True(untilMaxLength.Judge.StepsJudged < untilMaxLength.Sequences.Sum(s => s.Length - 1));
    }

    [Fact]
    public void RunToMaxLengthNeedsTheJudgeOff() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GenerationOptions { RunToMaxLength = true }.Validate());

    [Fact]
    public void SequencesNeverRepeatAnItemAndRespectTheLengthBounds()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var options = new GenerationOptions { M = 5, Tau = 8, MinLength = 4, MaxLength = 9, Decoding = Decoding.TopK, K = 5 };
        var round = Run(model, Toy, options);
        Assert.NotEmpty(round.Sequences);
        foreach (var s in round.Sequences)
        {
            Assert.Equal(s.Items.Length, s.Items.Distinct().Count()); // FirstItem prefix: one real item, then no repeats
            Assert.InRange(s.Length, options.MinLength, options.MaxLength);
            Assert.All(s.Items, i => Assert.InRange(i, 1, Items));
        }
        Assert.True(round.Statistics.DroppedShort > 0);
        Assert.True(round.Statistics.StopReasonsTried[StopReason.ReachedMaxLength] > 0);
    }

    [Fact]
    public void UsersWithOneRealInputItemProduceNothing()
    {
        // A 4-item user has training row s[:-2] = [a, b]: input [a], R = {a}; g = [a] stops at T1 and is too short.
        var data = LeaveOneOut.Split("tiny", new Dictionary<int, int[]> { [1] = new[] { 1, 2, 3, 4 }, [2] = new[] { 5, 6, 7, 8, 9, 10 } }, 10);
        var steps = new List<GenerationStep>();
        var round = Run(new LastItemScorer(10, seed: 1), data, new GenerationOptions { M = 2, Tau = double.PositiveInfinity }, GenerationTrace.ForUser(1, steps));
        Assert.All(steps, s => Assert.Equal(StopReason.AllRealItemsUsed, s.Stop));
        Assert.Equal(2, steps.Count);
        Assert.DoesNotContain(round.Sequences, s => s.SourceUser == 1);
        Assert.Equal(2, round.Statistics.DroppedShort);
        Assert.NotEmpty(round.Sequences);
        Assert.All(round.Sequences, s => Assert.Equal(5, s.Items[0]));
    }

    [Fact]
    public void DuplicatesAreRemovedAcrossTheWholeRound()
    {
        // p = 1 and greedy: every copy of a row is the same sequence, so m − 1 of each are duplicates.
        var model = new LastItemScorer(Items, seed: 7);
        var round = Run(model, Toy, new GenerationOptions { M = 3, P = 1, Tau = double.PositiveInfinity, BatchSize = 6 });
        var s = round.Statistics;
        Assert.True(s.DuplicatesRemoved >= 2 * s.SequencesKept);
        Assert.Equal(s.SequencesTried, s.SequencesKept + s.DroppedShort + s.DuplicatesRemoved);
        Assert.Equal(round.Sequences.Count, round.Sequences.Select(q => string.Join(",", q.Items)).Distinct().Count());
        Assert.All(round.Sequences, q => Assert.Equal(0, q.Copy)); // the first occurrence is kept
        Assert.All(round.Sequences, q => Assert.Equal(0, q.ItemsNewToUser)); // own pool only
    }

    [Fact]
    public void RollBackDropsExactlyTheItemThatFailedTheJudge()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var keep = new GenerationOptions { M = 4, Tau = 4, MinLength = 2, BatchSize = 12 };
        var keepSteps = new List<GenerationStep>();
        var rollSteps = new List<GenerationStep>();
        Run(model, Toy, keep, GenerationTrace.Everything(keepSteps));
        Run(model, Toy, keep with { OnJudgeFailure = JudgeFailurePolicy.RollBack }, GenerationTrace.Everything(rollSteps));

        var kept = FinalSequences(keepSteps);
        var rolled = FinalSequences(rollSteps);
        int rolledBack = 0;
        foreach (var (key, k) in kept)
        {
            var r = rolled[key];
            Assert.Equal(k.Stop, r.Stop);
            if (k.Stop == StopReason.JudgeFailed && k.Items.Length > k.PrefixLength)
            {
                Assert.Equal(k.Items[..^1], r.Items);
                rolledBack++;
            }
            else Assert.Equal(k.Items, r.Items);
        }
        Assert.True(rolledBack > 0);
        Assert.Contains(rollSteps, s => s.RolledBack is not null);
    }

    [Fact]
    public void TopKPicksOnlyAmongTheKBestOfTheChosenPool()
    {
        var model = new LastItemScorer(Items, seed: 5);
        var options = new GenerationOptions { M = 5, Tau = 10, Decoding = Decoding.TopK, K = 3, Temperature = 5 };
        var steps = new List<GenerationStep>();
        Run(model, Toy, options, GenerationTrace.Everything(steps));
        var rows = Toy.TrainRows;
        int notBest = 0, picks = 0;
        foreach (var step in steps.Where(s => s.Picked is not null))
        {
            var real = RealItems(rows[step.SeedRow]);
            var scores = Scores(model, step.Context);
            var pool = (step.Pool == CandidatePool.OwnHistory ? real : Enumerable.Range(1, Items))
                .Where(i => !step.Context.Contains(i)).OrderByDescending(i => scores[i]).ToList();
            Assert.Contains(step.Picked!.Value, pool.Take(options.K));
            if (step.Picked != pool[0]) notBest++;
            picks++;
        }
        Assert.True(picks > 50);
        Assert.True(notBest > 0, "sampling never left the argmax");
    }

    [Fact]
    public void GreedyPicksTheBestOfThePoolAndTheTraceExplainsEachStep()
    {
        var model = new LastItemScorer(Items, seed: 5);
        var steps = new List<GenerationStep>();
        var user = Toy.TrainRows[2].User;
        Run(model, Toy, new GenerationOptions { M = 3, Tau = 6 }, GenerationTrace.ForUser(user, steps));
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.Equal(user, s.SourceUser));
        var real = RealItems(Toy.TrainRows[2]);
        foreach (var step in steps)
        {
            var scores = Scores(model, step.Context);
            if (step.BestUnusedRealRank is { } rank)
            {
                var unused = real.Where(r => !step.Context.Contains(r)).ToList();
                Assert.Equal(unused.Count, step.UnusedRealItems);
                Assert.Equal(unused.Min(r => 1 + scores.Count(x => x > scores[r])), rank);
                Assert.Equal(rank <= 6, step.Passed);
            }
            if (step.Picked is { } picked)
            {
                Assert.Equal(step.PoolDraw < 0.5, step.Pool == CandidatePool.OwnHistory);
                var pool = (step.Pool == CandidatePool.OwnHistory ? real : Enumerable.Range(1, Items)).Where(i => !step.Context.Contains(i));
                Assert.Equal(pool.MaxBy(i => scores[i]), picked);
            }
            Assert.Contains(step.Step.ToString(), step.ToString());
        }
        // Steps of one copy follow each other: the next context is the previous one plus the picked item.
        foreach (var copy in steps.GroupBy(s => s.Copy))
        {
            var ordered = copy.OrderBy(s => s.Step).ToArray();
            for (int i = 1; i < ordered.Length; i++)
                Assert.Equal(ordered[i - 1].Context.Append(ordered[i - 1].Picked!.Value), ordered[i].Context);
        }
    }

    [Fact]
    public void RandomPrefixesAreNonEmptyPrefixesOfTheRealInput()
    {
        var model = new LastItemScorer(Items, seed: 5);
        var steps = new List<GenerationStep>();
        Run(model, Toy, new GenerationOptions { M = 5, Prefix = PrefixPolicy.RandomPrefix }, GenerationTrace.Everything(steps));
        var lengths = new HashSet<int>();
        foreach (var first in steps.Where(s => s.Step == 1))
        {
            var input = Toy.TrainRows[first.SeedRow].Items[..^1];
            Assert.InRange(first.Context.Length, 1, Math.Max(1, input.Length - 1));
            Assert.Equal(input[..first.Context.Length], first.Context);
            lengths.Add(first.Context.Length);
        }
        Assert.True(lengths.Count > 3);
    }

    [Fact]
    public void RowsCarryProvenanceAndFreshPseudoUserIds()
    {
        var model = new LastItemScorer(Items, seed: 7);
        var options = new GenerationOptions { M = 3, Tau = 8 };
        var round1 = new SyntheticSequenceGenerator(model, options, generatorName: "sasrec-r0").Generate(Toy, round: 1);
        int firstFree = Toy.TrainRows.Max(r => r.User) + 1;
        Assert.Equal(Enumerable.Range(firstFree, round1.Sequences.Count), round1.Sequences.Select(s => s.PseudoUser));

        var d1 = round1.AppendTo(Toy);
        Assert.Equal(Toy.RealRowCount, d1.RealRowCount);
        Assert.Equal(Toy.TrainRows.Count + round1.Sequences.Count, d1.TrainRows.Count);
        foreach (var (row, s) in d1.SyntheticRows.Zip(round1.Sequences))
        {
            Assert.Equal(new RowOrigin(1, s.SourceUser, "sasrec-r0", s.StopReason.ToString()), row.Origin);
            Assert.False(row.Origin.IsReal);
            Assert.Equal(s.Items, row.Items);
            var real = RealItems(Toy.TrainRows[s.SeedRow]);
            Assert.Equal(s.Items.Count(real.Contains), s.ItemsFromHistory);
        }
        var st = round1.Statistics;
        Assert.Equal(round1.Sequences.Sum(s => (long)s.ItemsFromHistory), st.ItemsFromHistory);
        Assert.Equal(round1.Sequences.Sum(s => s.Length), st.LengthHistogram.Sum(p => p.Key * p.Value));
        Assert.Equal(st.SequencesKept, st.StopReasonsKept.Values.Sum());
        Assert.InRange(st.ShareFromHistory, 0.01, 0.99);

        // Round 2 seeds from every row of D_1 by default, only the real ones on request; ids stay unique.
        var round2 = new SyntheticSequenceGenerator(model, options).Generate(d1, round: 2);
        var round2Real = new SyntheticSequenceGenerator(model, options with { SeedRows = SeedRows.RealOnly }).Generate(d1, round: 2);
        Assert.Equal(d1.TrainRows.Count, round2.Statistics.SeedRows);
        Assert.Equal(Toy.RealRowCount, round2Real.Statistics.SeedRows);
        Assert.True(round2.Sequences.Min(s => s.PseudoUser) > d1.TrainRows.Max(r => r.User));
        Assert.All(round2.Sequences, s => Assert.Equal(2, s.Round));
        Assert.Contains(round2.Sequences, s => s.SourceUser >= firstFree);
        Assert.DoesNotContain(round2Real.Sequences, s => s.SourceUser >= firstFree);
    }

    [Fact]
    public void GenerationRunsInEvalModeAndRestoresTheModelsMode()
    {
        var model = TinySasRec(Items, seed: 1);
        model.train();
        var a = Run(model, Toy, new GenerationOptions { M = 2 });
        Assert.True(model.training);
        var b = Run(model, Toy, new GenerationOptions { M = 2 });
        Assert.Equal(a.Sequences.Select(s => string.Join(",", s.Items)), b.Sequences.Select(s => string.Join(",", s.Items)));
    }

    [Fact]
    public void RoundZeroIsRejected()
    {
        var generator = new SyntheticSequenceGenerator(new LastItemScorer(Items, seed: 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => generator.Generate(Toy, round: 0));
        Assert.Contains("round", error.Message);
    }

    [Fact]
    public void A_large_catalogue_advances_fewer_sequences_together_and_the_memory_bound_alone_sets_the_chunks()
    {
        long vocabulary = Items + 1;
        var roomy = new GenerationOptions { M = 4, Tau = 5, BatchSize = 12, Seed = 11 };   // 3 seed rows per chunk
        Assert.Equal(3, roomy.SeedRowsPerChunk(vocabulary));
        var bounded = roomy with { BatchSize = 1024, MaxScoresInMemory = 3 * 4 * vocabulary };   // the bound allows 3 rows
        Assert.Equal(3, bounded.SeedRowsPerChunk(vocabulary));
        Assert.Equal(1, (roomy with { MaxScoresInMemory = 1 }).SeedRowsPerChunk(vocabulary));   // never fewer than one row
        Assert.Equal(6, new GenerationOptions().SeedRowsPerChunk(1_000_001));   // 2^25 cells / (5 × 1M ids)
        Assert.Equal(204, new GenerationOptions().SeedRowsPerChunk(18_358));     // Sports: BatchSize / M, unchanged

        var model = new LastItemScorer(Items, seed: 7);
        var a = Run(model, Toy, roomy);
        var b = Run(model, Toy, bounded);
        Assert.Equal(a.Rows.Select(r => string.Join(' ', r.Items)), b.Rows.Select(r => string.Join(' ', r.Items)));
        Assert.NotEqual(a.Rows.Select(r => string.Join(' ', r.Items)),
            Run(model, Toy, roomy with { BatchSize = 1024 }).Rows.Select(r => string.Join(' ', r.Items)));   // chunks matter
        Assert.Throws<ArgumentOutOfRangeException>(() => (roomy with { MaxScoresInMemory = 0 }).Validate());
    }
}
