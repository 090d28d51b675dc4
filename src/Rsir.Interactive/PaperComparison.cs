using System.Globalization;
using System.Text.RegularExpressions;
using Rsir.Analysis;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Generation;

namespace Rsir.Interactive;

/// <summary>One run of a set of seeds: the seed and the run's folder.</summary>
public sealed record SeedRun(string Seed, string Folder);

/// <summary>
/// Our results beside every number the paper reports (<see cref="PaperNumbers"/>): one <see cref="ReproductionRow"/>
/// per claim, read from a results root (normally <c>results/committed</c>) through <see cref="LoopFolder"/> and
/// <see cref="Sweep.Read"/> only. A claim whose folder is missing is "not run", with the command that would produce
/// it, so the comparison fills in as runs land. Several seeds of a run are folders <c>NAME-sSEED</c>; our value is
/// the mean ± sd over them, the change is against the reference over the seeds both have, and p is the paired t-test
/// of the per-user metric averaged over those seeds.
/// </summary>
public sealed class PaperComparison
{
    public string ResultsRoot { get; }
    public IReadOnlyList<ReproductionRow> Rows { get; }

    /// <summary>Section names, in the order the rows use them.</summary>
    public const string Table1 = "Table 1", Table2 = "Table 2", Table2Variants = "Table 2, our variants",
        MultiRound = "Multi-round", WeakToStrong = "Weak-to-strong", Data = "Density and ApEn",
        Sensitivity = "Sensitivity", Noise = "Noise";

    private readonly Dictionary<string, EvaluationResult> ranksCache = new(StringComparer.Ordinal);

    private PaperComparison(string root)
    {
        ResultsRoot = root;
        var rows = new List<ReproductionRow>();
        AddTable1(rows);
        AddTable2(rows);
        AddMultiRound(rows);
        AddWeakToStrong(rows);
        AddData(rows);
        AddSensitivity(rows);
        AddNoise(rows);
        Rows = rows;
    }

    /// <summary>Reads every claim's folders under <paramref name="resultsRoot"/> (absent folders are "not run").</summary>
    public static PaperComparison Build(string resultsRoot) => new(Path.GetFullPath(resultsRoot));

    /// <summary>Rows of one section (null: all).</summary>
    public IReadOnlyList<ReproductionRow> Section(string? section) =>
        section is null ? Rows : Rows.Where(r => r.Paper.Section == section).ToArray();

    /// <summary>How many rows have each status.</summary>
    public IReadOnlyDictionary<ReproductionStatus, int> Counts() =>
        Enum.GetValues<ReproductionStatus>().ToDictionary(s => s, s => Rows.Count(r => r.Status == s));

    /// <summary>"N rows: a reproduced, b direction only, c not reproduced, d not run", over all rows or one section.</summary>
    public string Summary(string? section = null)
    {
        var rows = Section(section);
        return $"{section ?? "all sections"}: {rows.Count} rows — " + string.Join(", ", Enum.GetValues<ReproductionStatus>()
            .Select(s => $"{rows.Count(r => r.Status == s)} {ReproductionRow.StatusText(s)}"));
    }

    /// <summary>The sections, in order.</summary>
    public IReadOnlyList<string> Sections => Rows.Select(r => r.Paper.Section).Distinct().ToArray();

    // ---- the sections --------------------------------------------------------------------------------------------

    private void AddTable1(List<ReproductionRow> rows)
    {
        foreach (var claim in PaperNumbers.Table1)
        {
            string d = claim.Dataset, name = Pretty(d);
            var nonRsir = BestNonRsir(d, claim.Metric);
            string loopCommand = $"{DataPrefix(d)}./rsir loop --dataset {d} --rounds 1 --seed 2023 --name {d}-s2023";
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(Table1, $"SASRec/{name}: {claim.ReferenceName} model", claim.Metric, claim.Reference),
                nonRsir is null ? null : new OurMeasure(nonRsir.Value.Value, Text: nonRsir.Value.Name),
                loopCommand + BaselineHint(d), Folders($"{d}-s*", $"{d}-<Aug>-s*"), levelTolerance: Math.Abs(claim.Value - claim.Reference)));
            var rsir = Round(Seeds(d), 1);
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(Table1, $"SASRec/{name}: RSIR round 1 vs the best non-RSIR", claim.Metric, claim.Value, claim.Reference),
                rsir.Count == 0 || nonRsir is null ? null : Measure(rsir, nonRsir.Value.Runs, claim.Metric, nonRsir.Value.Name),
                loopCommand, Folders($"{d}-s*")));
        }
        foreach (var claim in PaperNumbers.Table1OtherBackbones)
        {
            string d = claim.Dataset, b = claim.Backbone;
            var runs = Seeds($"{d}-{b}");
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(Table1, $"{BackboneName(b)}/{Pretty(d)}: RSIR round 1 vs {claim.ReferenceName}", claim.Metric, claim.Value, claim.Reference),
                Versus(runs, 1, 0, claim.Metric, "our base (round 0)"),
                $"{DataPrefix(d)}./rsir loop --dataset {d} --backbone {b} --rounds 1 --seed 2023 --name {d}-{b}-s2023", Folders($"{d}-{b}-s*")));
        }
    }

    private void AddTable2(List<ReproductionRow> rows)
    {
        var judged = Seeds("sports");
        var unjudged = Seeds("sports-nojudge");
        const string judgedCommand = "./rsir loop --dataset sports --rounds {0} --seed 2023 --name sports-s2023";
        const string unjudgedCommand = "./rsir loop --dataset sports --rounds {0} --no-judge --base-from results/sports-s2023 --seed 2023 --name sports-nojudge-s2023";
        foreach (var metric in new[] { "recall@10", "ndcg@10" })
        {
            var paperBase = PaperNumbers.Table2Row(0, true).Metric(metric);
            var baseRuns = Round(judged, 0);
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(Table2, PaperNumbers.Table2Row(0, true).Setting, metric, paperBase),
                baseRuns.Count == 0 ? null : new OurMeasure(MeanOf(baseRuns, metric), Text: "round 0 of the judged runs"),
                string.Format(CultureInfo.InvariantCulture, judgedCommand, 0), Folders("sports-s*"),
                levelTolerance: Math.Abs(PaperNumbers.Table2Row(1, true).Metric(metric) - paperBase)));
            foreach (int k in new[] { 1, 2, 3 })
                foreach (bool withJudge in new[] { false, true })
                {
                    var paper = PaperNumbers.Table2Row(k, withJudge);
                    var runs = withJudge ? judged : unjudged;
                    rows.Add(ReproductionRow.Judge(
                        new PaperClaim(Table2, paper.Setting, metric, paper.Metric(metric), paperBase),
                        Versus(runs, k, 0, metric, "our base (round 0, same seeds)"),
                        string.Format(CultureInfo.InvariantCulture, withJudge ? judgedCommand : unjudgedCommand, k),
                        Folders(withJudge ? "sports-s*" : "sports-nojudge-s*")));
                }
            AddTable2Variants(rows, metric, paperBase);
        }
    }

    private void AddTable2Variants(List<ReproductionRow> rows, string metric, double paperBase)
    {
        const string fromBase = "--base-from results/sports-s2023 --seed 2023";
        const string paperReading = "--prefix RandomPrefix --decoding TopK --top-k 10 --temperature 1";
        var variants = new (string What, string Prefix, int Round, bool Judged, string Command)[]
        {
            ("the paper's reading (random prefix, top-k k = 10, T = 1)", "sports-paper", 1, true,
                $"./rsir loop --dataset sports --rounds 1 {paperReading} {fromBase} --name sports-paper-s2023"),
            ("the paper's reading (random prefix, top-k k = 10, T = 1)", "sports-paper-nojudge", 1, false,
                $"./rsir loop --dataset sports --rounds 1 --no-judge {paperReading} {fromBase} --name sports-paper-nojudge-s2023"),
            ("only the maximum length stops a sequence", "sports-runtomax-nojudge", 1, false,
                $"./rsir loop --dataset sports --rounds 1 --no-judge --run-to-max-length {fromBase} --name sports-runtomax-nojudge-s2023"),
            ("seeds from the real rows only (--seeds RealOnly)", "sports-realonly", 2, true,
                $"./rsir loop --dataset sports --rounds 3 --seeds RealOnly {fromBase} --name sports-realonly-s2023"),
            ("seeds from the real rows only (--seeds RealOnly)", "sports-realonly", 3, true,
                $"./rsir loop --dataset sports --rounds 3 --seeds RealOnly {fromBase} --name sports-realonly-s2023"),
            ("seeds from the real rows only (--seeds RealOnly)", "sports-nojudge-realonly", 2, false,
                "./rsir loop --dataset sports --rounds 3 --seed 2023 --no-judge --seeds RealOnly --name sports-nojudge-realonly-s2023"),
            ("seeds from the real rows only (--seeds RealOnly)", "sports-nojudge-realonly", 3, false,
                "./rsir loop --dataset sports --rounds 3 --seed 2023 --no-judge --seeds RealOnly --name sports-nojudge-realonly-s2023"),
        };
        foreach (var v in variants)
        {
            var paper = PaperNumbers.Table2Row(v.Round, v.Judged);
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(Table2Variants, $"{paper.Setting}, ours with {v.What}", metric, paper.Metric(metric), paperBase),
                Versus(Seeds(v.Prefix), v.Round, 0, metric, "the same base (round 0)"), v.Command, Folders($"{v.Prefix}-s*")));
        }
    }

    private void AddMultiRound(List<ReproductionRow> rows)
    {
        var yelp = PaperNumbers.MultiRound.Single(c => c.Dataset == "yelp");
        rows.Add(ReproductionRow.Judge(
            new PaperClaim(MultiRound, "SASRec/Yelp: RSIR round 3 vs base", yelp.Metric, yelp.Value, yelp.Reference),
            Versus(Seeds("yelp"), 3, 0, yelp.Metric, "our base (round 0)"),
            $"{DataPrefix("yelp")}./rsir loop --dataset yelp --rounds 3 --seed 2023 --name yelp-s2023", Folders("yelp-s*")));
        foreach (var (round, gain) in PaperNumbers.HstuSportsGains)
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(MultiRound, $"HSTU/Sports: RSIR round {round} vs base (relative gain)", "recall@10", null, Gain: gain,
                    LevelComparable: false),
                Versus(Seeds("sports-hstu"), round, 0, "recall@10", "our base (round 0)"),
                "./rsir loop --dataset sports --backbone hstu --rounds 3 --seed 2023 --name sports-hstu-s2023", Folders("sports-hstu-s*")));
        // Multi-round runs on a slice of Sports users (sports<N>k-…, loop folders with a finished round): gains against the
        // paper's Table 2 gains.
        foreach (var dir in Directories(@"^sports(\d+)k-.+$").Where(d => LoopFolder.IsLoopFolder(d) && LoopFolder.FinishedRoundCount(d) > 0))
        {
            var loop = LoopFolder.Open(dir);
            bool withJudge = !double.IsPositiveInfinity(loop.Options.Generation.Tau);
            string name = Path.GetFileName(dir);
            foreach (int k in loop.Rounds.Where(k => k is >= 1 and <= 3))
                foreach (var metric in new[] { "recall@10", "ndcg@10" })
                {
                    var paper = PaperNumbers.Table2Row(k, withJudge);
                    var runs = new[] { new SeedRun(SeedOf(loop), dir) };
                    rows.Add(ReproductionRow.Judge(
                        new PaperClaim(MultiRound, $"{paper.Setting}, ours on {name} ({loop.Options.Run.LimitUsers:N0} users)", metric,
                            paper.Metric(metric), PaperNumbers.Table2Row(0, true).Metric(metric), LevelComparable: false),
                        Versus(runs, k, 0, metric, "its base (round 0)"), CommandOf(loop, name), Folders(name)));
                }
        }
    }

    private void AddWeakToStrong(List<ReproductionRow> rows) =>
        rows.Add(ReproductionRow.Judge(
            new PaperClaim(WeakToStrong, "a strong student (HSTU) on a weak teacher's (sasrec-small) data vs the student's base",
                "recall@10", null, Gain: PaperNumbers.WeakToStrongGain, LevelComparable: false),
            Versus(Seeds("beauty-hstu-from-sasrec-small"), 1, 0, "recall@10", "the student's base (round 0)"),
            "./rsir loop --dataset beauty --backbone hstu --teacher sasrec-small --rounds 1 --seed 2023 --name beauty-hstu-from-sasrec-small-s2023",
            Folders("beauty-hstu-from-sasrec-small-s*")));

    private void AddData(List<ReproductionRow> rows)
    {
        // Density: the full-data judged loop with the most rounds.
        var longest = new[] { "sports", "beauty", "toys", "yelp" }.SelectMany(Seeds).Select(r => LoopFolder.Open(r.Folder))
            .OrderByDescending(l => l.LastRound).FirstOrDefault(l => l.LastRound >= 1);
        OurMeasure? density = null;
        if (longest is not null)
        {
            double first = longest.ReadRound(0).Density, last = longest.ReadRound(longest.LastRound).Density;
            density = new OurMeasure(new MeanSd(last, 0, 1), $"{Path.GetFileName(longest.Path)} round 0", first,
                Text: $"{Path.GetFileName(longest.Path)}, round 0 → round {longest.LastRound} (the paper: 8 rounds)");
        }
        rows.Add(ReproductionRow.Judge(
            new PaperClaim(Data, "training-set density, raw data → after RSIR's rounds (ours: interactions / (rows × items))",
                "density", PaperNumbers.DensityRound8, PaperNumbers.DensityRaw, LevelComparable: false),
            density, "./rsir loop --dataset sports --rounds 8 --seed 2023 --name sports-s2023", Folders("sports-s*")));

        // ApEn: full Beauty, round 1, against naive insertion grown to the same size (rsir analyze --insert-baseline).
        var beauty = Seeds("beauty").FirstOrDefault();
        OurMeasure? rsir = null, insertion = null;
        if (beauty is not null)
        {
            var loop = LoopFolder.Open(beauty.Folder);
            var initial = loop.LoadInitialData().Dataset;
            var grown = LoopReport.DataByRound(loop, initial);
            var inserted = LoopReport.InsertGrowth(loop, initial);
            string at = $"{Path.GetFileName(loop.Path)}, round {grown[^1].Round}";
            rsir = new OurMeasure(new MeanSd(grown[^1].ApEn, 0, 1), "D_0", grown[0].ApEn, Text: at);
            insertion = new OurMeasure(new MeanSd(inserted[^1].ApEn, 0, 1), "D_0", inserted[0].ApEn, Text: at + ", insertion of the same size");
        }
        const string analyze = "./rsir analyze --run results/beauty-s2023 --insert-baseline";
        rows.Add(ReproductionRow.Judge(new PaperClaim(Data, "approximate entropy of the training set with RSIR (rises)", "apen",
            PaperNumbers.ApEnRsir, Direction: +1, LevelComparable: false), rsir, analyze, Folders("beauty-s*")));
        rows.Add(ReproductionRow.Judge(new PaperClaim(Data, "approximate entropy with naive insertion (falls)", "apen",
            PaperNumbers.ApEnInsertion, Direction: -1, LevelComparable: false), insertion, analyze, Folders("beauty-s*")));
    }

    private void AddSensitivity(List<ReproductionRow> rows)
    {
        string tauFolder = Path.Combine(ResultsRoot, "sweep-tau-beauty1500");
        var tauClaim = new PaperClaim(Sensitivity, "the best τ is a moderate one (grid 1, 3, 5, 10, 20, 50, 100)", "ndcg@10", null,
            Text: "moderate τ", LevelComparable: false);
        const string tauCommand = "./rsir sweep --dataset beauty --limit-users 1500 --param tau --values 1,3,5,10,20,50,100 --name sweep-tau-beauty1500";
        if (Directory.Exists(tauFolder))
        {
            var sweep = Sweep.Read(tauFolder);
            var best = sweep.Points.MaxBy(p => p.Final.Test["ndcg@10"] - sweep.Base.Test["ndcg@10"])!;
            double delta = best.Final.Test["ndcg@10"] - sweep.Base.Test["ndcg@10"];
            var values = sweep.Points.Select(p => p.Value).Order().ToArray();
            bool moderate = best.Value > values[0] && best.Value < values[^1];
            rows.Add(new ReproductionRow(tauClaim,
                new OurMeasure(new MeanSd(best.Value, 0, 1), Text: $"τ = {best.Value:0.##} (ΔNDCG@10 {delta:+0.0000;−0.0000}; one run per τ, 1,500 users)"),
                moderate ? ReproductionStatus.Reproduced : ReproductionStatus.NotReproduced,
                $"our best τ is {(moderate ? "inside" : "at an end of")} the grid; one run per τ, no test", tauCommand, Folders("sweep-tau-beauty1500")));
        }
        else rows.Add(ReproductionRow.Judge(tauClaim, null, tauCommand, Folders("sweep-tau-beauty1500")));
        rows.Add(ReproductionRow.Judge(
            new PaperClaim(Sensitivity, "the best p is about 0.5 (grid 0, 0.2, …, 1)", "ndcg@10", PaperNumbers.BestP, LevelComparable: false),
            null, "./rsir sweep --dataset beauty --limit-users 1500 --param p --values 0,0.2,0.4,0.6,0.8,1 --name sweep-p-beauty1500",
            Folders("sweep-p-beauty1500")));
    }

    private void AddNoise(List<ReproductionRow> rows)
    {
        foreach (var d in new[] { "sports", "yelp" })
        {
            var runs = Directories($@"^{d}-noise[0-9.]+-s\d+$").Select(f => new SeedRun(Path.GetFileName(f), f)).ToArray();
            rows.Add(ReproductionRow.Judge(
                new PaperClaim(Noise, $"SASRec/{Pretty(d)} with noisy training items: RSIR stays above its base", "recall@10", null,
                    Direction: +1, LevelComparable: false),
                runs.Length == 0 ? null : Versus(runs, 1, 0, "recall@10", "its base (round 0)"),
                $"{DataPrefix(d)}./rsir loop --dataset {d} --rounds 1 --noise 0.2 --seed 2023 --name {d}-noise0.2-s2023",
                Folders($"{d}-noise*-s*")));
        }
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    /// <summary>The loop folders NAME-sSEED under the results root, by seed.</summary>
    public IReadOnlyList<SeedRun> Seeds(string name) =>
        Directories($"^{Regex.Escape(name)}-s(\\d+)$").Where(LoopFolder.IsLoopFolder)
            .Select(f => new SeedRun(Regex.Match(Path.GetFileName(f), @"-s(\d+)$").Groups[1].Value, f)).ToArray();

    private IEnumerable<string> Directories(string pattern) =>
        !Directory.Exists(ResultsRoot) ? Array.Empty<string>()
            : Directory.EnumerateDirectories(ResultsRoot).Where(d => Regex.IsMatch(Path.GetFileName(d), pattern)).Order(StringComparer.Ordinal);

    /// <summary>The runs (seeds) that finished round <paramref name="round"/>, each as a key for <see cref="Ranks"/>.</summary>
    private IReadOnlyList<SeedRun> Round(IReadOnlyList<SeedRun> runs, int round) =>
        runs.Where(r => LoopFolder.FinishedRoundCount(r.Folder) > round).Select(r => r with { Folder = RoundKey(r.Folder, round) }).ToArray();

    private static string RoundKey(string folder, int round) => $"{folder}#{round}";

    private EvaluationResult Ranks(string key)
    {
        if (ranksCache.TryGetValue(key, out var cached)) return cached;
        int hash = key.LastIndexOf('#');
        var ranks = hash < 0 ? LoopFolder.ReadTestRanksOfRun(key).Ranks
            : LoopFolder.ReadTestRanksOfRun(key[..hash], int.Parse(key[(hash + 1)..], CultureInfo.InvariantCulture)).Ranks;
        return ranksCache[key] = ranks;
    }

    private double Metric(string key, string metric)
    {
        var (name, k) = GridCollect.SplitMetric(metric);
        return name == "recall" ? Ranks(key).Recall(k) : Ranks(key).Ndcg(k);
    }

    private MeanSd MeanOf(IReadOnlyList<SeedRun> runs, string metric) => Significance.MeanAndSd(runs.Select(r => Metric(r.Folder, metric)));

    /// <summary>Round <paramref name="round"/> of the runs against their round <paramref name="reference"/>; null when
    /// no run has finished that round.</summary>
    private OurMeasure? Versus(IReadOnlyList<SeedRun> runs, int round, int reference, string metric, string referenceName)
    {
        var candidate = Round(runs, round);
        return candidate.Count == 0 ? null : Measure(candidate, Round(runs, reference), metric, referenceName);
    }

    /// <summary>Our value (mean ± sd over the candidate's seeds), the reference's mean over the seeds both have, and the
    /// paired test pooled over those seeds.</summary>
    private OurMeasure Measure(IReadOnlyList<SeedRun> candidate, IReadOnlyList<SeedRun> reference, string metric, string referenceName)
    {
        var pairs = candidate.Select(c => (Candidate: c, Reference: reference.FirstOrDefault(r => r.Seed == c.Seed)))
            .Where(p => p.Reference is not null).ToArray();
        var value = MeanOf(candidate, metric);
        string seeds = $"{candidate.Count} seed{(candidate.Count == 1 ? "" : "s")} ({string.Join(", ", candidate.Select(c => c.Seed))})";
        if (pairs.Length == 0) return new OurMeasure(value, referenceName, null, null, seeds + "; no reference with these seeds");
        var (name, k) = GridCollect.SplitMetric(metric);
        var test = Significance.CompareOverSeeds(pairs.Select(p => (Ranks(p.Reference!.Folder), Ranks(p.Candidate.Folder))).ToArray(), name, k);
        double referenceMean = pairs.Average(p => Metric(p.Reference!.Folder, metric));
        return new OurMeasure(value, referenceName, referenceMean, test, seeds);
    }

    /// <summary>Our best non-RSIR model on a dataset: the SASRec base (round 0 of NAME-sSEED) or an augmentation baseline
    /// (NAME-Aug-sSEED), whichever has the higher mean.</summary>
    private (string Name, MeanSd Value, IReadOnlyList<SeedRun> Runs)? BestNonRsir(string dataset, string metric)
    {
        var candidates = new List<(string Name, IReadOnlyList<SeedRun> Runs)> { ("SASRec base", Round(Seeds(dataset), 0)) };
        foreach (var aug in Enum.GetNames<AugmentationKind>())
            candidates.Add(($"{aug} baseline", Directories($"^{Regex.Escape(dataset)}-{aug}-s\\d+$")
                .Select(f => new SeedRun(Regex.Match(Path.GetFileName(f), @"-s(\d+)$").Groups[1].Value, f)).ToArray()));
        var best = candidates.Where(c => c.Runs.Count > 0).Select(c => (c.Name, Value: MeanOf(c.Runs, metric), c.Runs))
            .OrderByDescending(c => c.Value.Mean).FirstOrDefault();
        return best.Runs is null ? null : ($"our best non-RSIR: {best.Name}, {best.Runs.Count} seed(s)", best.Value, best.Runs);
    }

    private string Folders(params string[] patterns) =>
        string.Join(", ", patterns.Select(p => DisplayRoot + "/" + p));

    /// <summary>The results root as the reader knows it: its last two folders (results/committed).</summary>
    private string DisplayRoot => Path.Combine(Path.GetFileName(Path.GetDirectoryName(ResultsRoot)) ?? "", Path.GetFileName(ResultsRoot));

    private static string SeedOf(LoopFolder loop) => loop.Options.Run.Training.Seed.ToString(CultureInfo.InvariantCulture);

    /// <summary>A loop folder's command, rebuilt from its options.json (the settings that differ from the defaults).</summary>
    private static string CommandOf(LoopFolder loop, string name)
    {
        var o = loop.Options;
        var parts = new List<string> { $"./rsir loop --dataset {o.Run.Dataset}" };
        if (o.Run.LimitUsers is int n) parts.Add($"--limit-users {n}");
        parts.Add($"--rounds {o.Rounds}");
        if (double.IsPositiveInfinity(o.Generation.Tau)) parts.Add("--no-judge");
        if (o.Generation.SeedRows == SeedRows.RealOnly) parts.Add("--seeds RealOnly");
        parts.Add($"--seed {o.Run.Training.Seed} --name {name}");
        return string.Join(' ', parts);
    }

    private static string DataPrefix(string dataset) => dataset is "yelp" or "ml-1m" ? "RSIR_DATA_DIR=/path/to/data " : "";

    private static string BaselineHint(string dataset) => $"; baselines: ./rsir baseline --dataset {dataset} --aug Mask --seed 2023 --name {dataset}-Mask-s2023";

    private static string Pretty(string dataset) => dataset switch
    {
        "beauty" => "Beauty", "sports" => "Sports", "toys" => "Toys", "yelp" => "Yelp", _ => dataset,
    };

    private static string BackboneName(string backbone) => backbone switch
    {
        "sasrec" => "SASRec", "cl4srec" => "CL4SRec", "hstu" => "HSTU", _ => backbone,
    };
}
