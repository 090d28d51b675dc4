using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rsir.Cli;
using Rsir.Tests.Notebooks;

namespace Rsir.Tests.Golden;

/// <summary>
/// The guard for every refactor and speed change: a fixed-seed loop (the first 1,500 Beauty users, SASRec, three epochs
/// per round, two rounds, judged and unjudged) must give the numbers and the synthetic rows recorded in
/// <c>beauty1500-two-rounds.json</c>, which the build of commit 8f16027 (before the GPU-path and architecture work)
/// produced on the development VM. On that CPU the match must be exact; on another CPU, where libtorch's kernels may
/// round differently, the metrics must agree within 2% and the synthetic row counts within 2%.
/// </summary>
[Trait("Category", "Golden")]
public class GoldenRunTests
{
    private static readonly string[] Metrics = ["recall@10", "recall@20", "ndcg@10", "ndcg@20"];

    [Theory]
    [InlineData("judged")]
    [InlineData("nojudge")]
    public void A_fixed_seed_loop_gives_the_recorded_numbers_and_rows(string variant)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(RunnerProcess.RepositoryRoot(), "tests", "Rsir.Tests", "Golden", "beauty1500-two-rounds.json"))).RootElement;
        bool sameCpu = expected.GetProperty("cpu").GetString() == CpuModel();
        var folder = Directory.CreateTempSubdirectory("rsir-golden-").FullName;
        try
        {
            var args = new List<string> { "loop", "--dataset", "beauty", "--limit-users", "1500", "--rounds", "2", "--max-epochs", "3",
                "--seed", "2023", "--device", "cpu", "--name", variant, "--out", folder };
            if (variant == "nojudge") args.Add("--no-judge");
            Assert.Equal(0, CliApp.Run(args.ToArray()));

            foreach (var round in expected.GetProperty(variant).EnumerateArray())
            {
                int k = round.GetProperty("round").GetInt32();
                string roundFolder = Path.Combine(folder, variant, $"round-{k:D2}");
                var test = JsonDocument.Parse(File.ReadAllText(Path.Combine(roundFolder, "metrics.json"))).RootElement.GetProperty("test");
                foreach (var metric in Metrics)
                {
                    double want = round.GetProperty("test").GetProperty(metric).GetDouble(), got = test.GetProperty(metric).GetDouble();
                    if (sameCpu) Assert.True(want == got, $"{variant} round {k} {metric}: recorded {want:R}, now {got:R}");
                    else Assert.True(Math.Abs(want - got) <= 0.02 * want, $"{variant} round {k} {metric}: recorded {want:R}, now {got:R} (another CPU)");
                }
                var (rows, digest) = SyntheticRows(Path.Combine(roundFolder, "synthetic.tsv"));
                int wantRows = round.GetProperty("synthetic_rows_added").GetInt32();
                if (sameCpu)
                {
                    Assert.Equal(wantRows, rows);
                    Assert.Equal(round.GetProperty("synthetic_sha256").GetString(), digest);
                }
                else Assert.InRange(rows, wantRows * 0.98, wantRows * 1.02);
            }
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    public static TheoryData<string> Readings() => new(
        JsonDocument.Parse(File.ReadAllText(ReadingsFile())).RootElement.GetProperty("variants").EnumerateArray()
            .Select(v => v.GetProperty("name").GetString()!));

    private static string ReadingsFile() =>
        Path.Combine(RunnerProcess.RepositoryRoot(), "tests", "Rsir.Tests", "Golden", "beauty400-generation-readings.json");

    /// <summary>
    /// The generator's every reading (prefix, decoding, judge failure, run to maximum length, p, τ) against rows recorded
    /// by the build of 8f16027, whose generator built (B, V) masks of R and g and recomputed them at every step: the
    /// incremental, per-row-ids generator must write the same rows and judge the same number of steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(Readings))]
    public void Every_generation_reading_writes_the_recorded_rows(string name)
    {
        var file = JsonDocument.Parse(File.ReadAllText(ReadingsFile())).RootElement;
        var expected = file.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        bool sameCpu = file.GetProperty("cpu").GetString() == CpuModel();
        var folder = Directory.CreateTempSubdirectory("rsir-readings-").FullName;
        try
        {
            var args = new List<string> { "loop", "--dataset", "beauty", "--limit-users", "400", "--rounds", "1", "--max-epochs", "2",
                "--seed", "2023", "--device", "cpu", "--name", name, "--out", folder };
            args.AddRange(expected.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
            Assert.Equal(0, CliApp.Run(args.ToArray()));
            string round = Path.Combine(folder, name, "round-01");
            var (rows, digest) = SyntheticRows(Path.Combine(round, "synthetic.tsv"));
            var judge = JsonDocument.Parse(File.ReadAllText(Path.Combine(round, "judge.json"))).RootElement;
            int wantRows = expected.GetProperty("synthetic_rows_added").GetInt32();
            if (sameCpu)
            {
                Assert.Equal(wantRows, rows);
                Assert.Equal(expected.GetProperty("synthetic_sha256").GetString(), digest ?? "");
                Assert.Equal(expected.GetProperty("steps_judged").GetInt64(), judge.GetProperty("steps_judged").GetInt64());
                Assert.Equal(expected.GetProperty("steps_passed").GetInt64(), judge.GetProperty("steps_passed").GetInt64());
            }
            else Assert.InRange(rows, wantRows * 0.9, wantRows * 1.1 + 2);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>Row count and SHA-256 of "pseudo_user TAB source_user TAB items" per row, in file order.</summary>
    private static (int Rows, string? Sha256) SyntheticRows(string path)
    {
        if (!File.Exists(path)) return (0, null);
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t').ToList();
        int user = header.IndexOf("pseudo_user"), source = header.IndexOf("source_user"), items = header.IndexOf("items");
        var text = new StringBuilder();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split('\t');
            text.Append(f[user]).Append('\t').Append(f[source]).Append('\t').Append(f[items]).Append('\n');
        }
        return (lines.Length - 1, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))));
    }

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown";
}
