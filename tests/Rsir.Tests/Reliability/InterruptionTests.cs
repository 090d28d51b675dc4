using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Rsir.Tests.Experiments;
using Xunit.Abstractions;

namespace Rsir.Tests.Reliability;

/// <summary>
/// A 3-round <c>rsir loop</c> in a real process, killed (SIGKILL, no chance to clean up) mid-epoch, mid-generation and
/// mid-write, resumed each time with the same command, ends with the same numbers as an uninterrupted run with the same
/// seed; after every kill the results folder holds only complete rounds (a killed round is redone, its training
/// continuing from the checkpoint of its last finished epoch).
/// </summary>
public class InterruptionTests(ITestOutputHelper output)
{
    const int Rounds = 3;

    [Fact]
    public void A_loop_killed_mid_epoch_mid_generation_and_mid_write_resumes_to_the_uninterrupted_numbers()
    {
        string folder = CliHarness.NewTempFolder("rsir-kill-");
        try
        {
            string data = RsirLoopTests.WriteToyDataset(folder, users: 600, items: 30, seed: 5);
            string config = Path.Combine(folder, "loop.json");
            File.WriteAllText(config, """
                { "Device": "cpu",
                  "Backbone": { "Dim": 16, "Heads": 2, "FeedForward": 32, "Layers": 1, "MaxLength": 12 },
                  "Training": { "MaxEpochs": 2, "Patience": 2, "BatchSize": 24, "Negatives": 16 } }
                """);
            string[] Command(string name) => new[] { "loop", "--dataset", data, "--config", config, "--rounds", $"{Rounds}",
                "--m", "1", "--seeds", "RealOnly", "--seed", "7", "--out", Path.Combine(folder, "results"), "--name", name, "--json" };
            string run = Path.Combine(folder, "results", "run");

            var reference = LoopProcess.Run(Command("reference"), folder);
            Assert.True(reference.ExitCode == 0, $"reference run failed:\n{reference.Stderr}");

            // 1. Mid-epoch: a round has reported epoch 1 of 2. The kill is asynchronous: on a busy machine it can land after
            // that round was saved, before the next one reported an epoch; then the next round (1) is tried the same way.
            int[] done = [];
            bool midEpoch = false;
            for (int attempt = 1; attempt <= 2 && !midEpoch; attempt++)
            {
                var killed = LoopProcess.RunUntil(Command("run"), folder, stderrLine: line => line.StartsWith("epoch    1"));
                done = AssertOnlyCompleteRounds(run, $"mid-epoch, attempt {attempt}");
                Assert.DoesNotContain(2, done);
                // Every epoch the unfinished round reported was checkpointed, and a round that reported none has no checkpoint.
                midEpoch = ReportedAnEpoch(killed.Stderr, round: done.Length);
                bool checkpointed = File.Exists(Path.Combine(run, $"round-{done.Length:D2}.checkpoint.bin"));
                Assert.True(checkpointed == midEpoch, $"mid-epoch, attempt {attempt}: round {done.Length} reported an epoch: {midEpoch}, " +
                    $"has a checkpoint: {checkpointed}\n{killed.Stderr}");
            }
            Assert.True(midEpoch, "mid-epoch: both kills landed between rounds, none while a round was training");

            // 2. Mid-generation: round 2 has started generating. The round killed mid-epoch continued from its checkpoint.
            var generating = LoopProcess.RunUntil(Command("run"), folder, stderrLine: line => line.StartsWith("round 2: generating"));
            Assert.Contains($"round {done.Length}: continuing from the checkpoint saved after epoch 1", generating.Stderr);
            done = AssertOnlyCompleteRounds(run, "mid-generation");
            Assert.Equal(new[] { 0, 1 }, done);

            // 3. Mid-write: round 3's working folder has appeared (model, synthetic rows, metrics being written). The
            // window is milliseconds long: an inotify watcher and polling both watch for it, and should both be late the
            // kill falls just after the round's rename (still before the run ends), which the test reports.
            LoopProcess.RunUntil(Command("run"), folder,
                folderAppears: new[] { Path.Combine(run, "round-03.partial"), Path.Combine(run, "round-03") });
            bool wasMidWrite = Directory.Exists(Path.Combine(run, "round-03.partial"));
            output.WriteLine($"mid-write kill left round-03.partial behind: {wasMidWrite} " +
                             $"({string.Join(", ", CliHarness.Listing(Path.Combine(run, "round-03.partial")))})");
            done = AssertOnlyCompleteRounds(run, "mid-write");
            Assert.Contains(2, done);

            // 4. Resume to the end.
            var resumed = LoopProcess.Run(Command("run"), folder);
            Assert.True(resumed.ExitCode == 0, $"resumed run failed:\n{resumed.Stderr}");
            var expected = reference.Json.GetProperty("rounds").EnumerateArray().ToArray();
            var actual = resumed.Json.GetProperty("rounds").EnumerateArray().ToArray();
            Assert.Equal(Rounds + 1, expected.Length);
            Assert.Equal(expected.Length, actual.Length);
            for (int k = 0; k <= Rounds; k++)
            {
                foreach (var field in new[] { "round", "test", "train_rows", "synthetic_rows", "density", "mean_synthetic_length", "judge_pass_rate", "epochs" })
                    Assert.True(expected[k].GetProperty(field).GetRawText() == actual[k].GetProperty(field).GetRawText(),
                        $"round {k} {field}: uninterrupted {expected[k].GetProperty(field)}, resumed {actual[k].GetProperty(field)}");
                // Rounds finished before the last kill are read back; the killed one is redone.
                Assert.Equal(done.Contains(k), actual[k].GetProperty("resumed").GetBoolean());
            }
            AssertOnlyCompleteRounds(run, "end");
            Assert.False(Directory.Exists(Path.Combine(run, "round-03.partial")));
        }
        finally { CliHarness.DeleteQuietly(folder); }
    }

    /// <summary>Whether the log of a killed run shows an epoch of <paramref name="round"/>'s training (the lines after its
    /// last "round N:" stage line; it is the last round the run started).</summary>
    static bool ReportedAnEpoch(string stderr, int round)
    {
        var lines = stderr.Split('\n');
        int stage = Array.FindLastIndex(lines, line => line.StartsWith($"round {round}:"));
        return stage >= 0 && lines.Skip(stage + 1).Any(line => line.StartsWith("epoch "));
    }

    /// <summary>Every round-NN folder is complete (done marker, readable round.json, model), finished rounds form a
    /// prefix 0..j, and a working folder (round-NN.partial) is never mistaken for a finished round. Returns the finished rounds.</summary>
    int[] AssertOnlyCompleteRounds(string run, string when)
    {
        var rounds = Directory.Exists(run)
            ? Directory.EnumerateDirectories(run, "round-*").Select(Path.GetFileName).Where(n => !n!.EndsWith(".partial"))
                .Select(n => int.Parse(n!["round-".Length..])).OrderBy(k => k).ToArray()
            : Array.Empty<int>();
        foreach (int k in rounds)
        {
            string round = Path.Combine(run, $"round-{k:D2}");
            Assert.True(File.Exists(Path.Combine(round, "done")), $"{when}: {round} has no done marker");
            Assert.True(new FileInfo(Path.Combine(round, "model.bin")).Length > 0, $"{when}: {round} has an empty model");
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(round, "round.json")));
            Assert.Equal(k, json.RootElement.GetProperty("round").GetInt32());
            if (k > 0) Assert.True(File.Exists(Path.Combine(round, "synthetic.tsv")), $"{when}: {round} has no synthetic rows");
        }
        Assert.Equal(Enumerable.Range(0, rounds.Length), rounds);
        output.WriteLine($"{when}: finished rounds [{string.Join(", ", rounds)}]; " +
                         $"entries: {string.Join(", ", Directory.Exists(run) ? Directory.EnumerateFileSystemEntries(run).Select(Path.GetFileName) : [])}");
        return rounds;
    }
}

/// <summary>The CLI in a child process (<c>dotnet Rsir.Cli.dll …</c>), run to the end or killed when a condition is seen.</summary>
sealed record LoopProcess(int ExitCode, string Stdout, string Stderr, bool Killed)
{
    public JsonElement Json => new CliOutcome(ExitCode, Stdout, Stderr).Json;

    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static LoopProcess Run(string[] args, string workingDirectory) => Start(args, workingDirectory, null, null);

    /// <summary>Kills the process tree as soon as a stderr line matches or one of the folders appears (their parent
    /// must exist); fails if the process ends first.</summary>
    public static LoopProcess RunUntil(string[] args, string workingDirectory, Func<string, bool>? stderrLine = null, string[]? folderAppears = null)
    {
        var result = Start(args, workingDirectory, stderrLine, folderAppears);
        Assert.True(result.Killed, $"the kill condition was never seen; the run ended with {result.ExitCode}:\n{result.Stderr}");
        return result;
    }

    static LoopProcess Start(string[] args, string workingDirectory, Func<string, bool>? stderrLine, string[]? folderAppears)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, UseShellExecute = false,
            RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        int killed = 0;
        void Kill()
        {
            if (Interlocked.Exchange(ref killed, 1) == 0)
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }   // already gone
        }
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (stderrLine?.Invoke(e.Data) == true) Kill();
        };
        using var watcher = folderAppears is null ? null : new FileSystemWatcher(Path.GetDirectoryName(folderAppears[0])!);
        if (watcher is not null)
        {
            watcher.Created += (_, e) => { if (folderAppears!.Contains(e.FullPath)) Kill(); };
            watcher.Renamed += (_, e) => { if (folderAppears!.Contains(e.FullPath)) Kill(); };
            watcher.EnableRaisingEvents = true;
        }
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!process.WaitForExit(folderAppears is null ? 200 : 1))
        {
            if (folderAppears is not null && folderAppears.Any(Directory.Exists)) Kill();
            if (clock.Elapsed > Limit) { Kill(); throw new TimeoutException($"rsir {string.Join(' ', args)} ran over {Limit}:\n{stderr}"); }
        }
        process.WaitForExit();   // drain the output
        return new LoopProcess(process.ExitCode, stdout.ToString(), stderr.ToString(), killed == 1);
    }

    /// <summary>The CLI built with the tests (copied next to them), else the CLI project's own output.</summary>
    public static string CliDll()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "Rsir.Cli.dll");
        if (File.Exists(beside)) return beside;
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "Rsir.Cli", "bin", configuration, "net10.0", "linux-x64", "Rsir.Cli.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Rsir.Cli.dll was found neither in {AppContext.BaseDirectory} nor under src/Rsir.Cli/bin; build Rsir.sln first.");
    }
}
