using System.Text.Json;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Experiments;
using Rsir.Generation;
using Rsir.Models;
using Rsir.Runtime;
using Rsir.Training;

namespace Rsir.Tests.Reliability;

/// <summary>
/// The bad-input corpus (Reliability/Corpus, described case by case in manifest.json): every case runs through the CLI
/// in-process and, where the library decides, through the library call itself. A refused case must exit with the
/// expected code, name the file, line, value or setting in its message, and leave no output behind (no results folder,
/// no NAME.partial, no half-written import). Unusual but valid inputs (CRLF, tabs, BOM, unsorted timestamps) are accepted.
/// </summary>
public class BadInputCorpusTests
{
    static readonly string CorpusFolder = Path.Combine(AppContext.BaseDirectory, "Reliability", "Corpus");

    sealed record LibraryCall(string Call, string[]? Args, string Exception, string? Type, JsonElement? Json, int? Core, string? Path);
    sealed record Case(string Name, string Why, string[] Args, int Exit, string[]? Fragments, LibraryCall? Library,
        Dictionary<string, JsonElement>? Json, ExpectedFile? ExpectFile);
    sealed record ExpectedFile(string Path, string Text);
    sealed record Manifest(string About, Case[] Cases);

    static readonly Lazy<Manifest> Loaded = new(() => JsonSerializer.Deserialize<Manifest>(
        File.ReadAllText(Path.Combine(CorpusFolder, "manifest.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!);

    public static TheoryData<string> CaseNames => new(Loaded.Value.Cases.Select(c => c.Name));

    static readonly IReadOnlyDictionary<string, Type> ExceptionTypes = new[]
    {
        typeof(DataFormatException), typeof(InvalidDataException), typeof(FileNotFoundException), typeof(JsonException),
        typeof(ArgumentException), typeof(ArgumentOutOfRangeException), typeof(OutputLocationException),
        typeof(TrainingDivergedException), typeof(DirectoryNotFoundException),
    }.ToDictionary(t => t.Name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Corpus_case(string name)
    {
        var c = Loaded.Value.Cases.Single(x => x.Name == name);
        string tmp = CliHarness.NewTempFolder("rsir-corpus-");
        try
        {
            string Expand(string s) => s.Replace("{corpus}", CorpusFolder).Replace("{tmp}", tmp);
            var corpusBefore = CliHarness.Listing(CorpusFolder);

            var outcome = CliHarness.Run(c.Args.Select(Expand).ToArray());

            Assert.True(c.Exit == outcome.ExitCode,
                $"{c.Name} ({c.Why}): exit code {outcome.ExitCode}, expected {c.Exit}.\nstderr:\n{outcome.Stderr}\nstdout:\n{outcome.Stdout}");
            if (c.Exit == 0)
            {
                foreach (var (path, expected) in c.Json ?? new())
                    Assert.Equal(expected.GetRawText(), At(outcome.Json, path).GetRawText());
                if (c.ExpectFile is { } file)
                {
                    Assert.Equal(file.Text, File.ReadAllText(Expand(file.Path)));
                    Assert.Equal(new[] { Path.GetFileName(Expand(file.Path)) + $" ({new FileInfo(Expand(file.Path)).Length} bytes)" },
                        CliHarness.Listing(tmp));
                }
                else Assert.Empty(CliHarness.Listing(tmp));
            }
            else
            {
                string message = outcome.Error;
                Assert.Equal(c.Exit, outcome.Json.GetProperty("exit_code").GetInt32());
                Assert.Contains("error: ", outcome.Stderr);
                foreach (var fragment in c.Fragments ?? Array.Empty<string>())
                    Assert.True(message.Contains(Expand(fragment), StringComparison.Ordinal),
                        $"{c.Name}: the message lacks '{fragment}':\n{message}");

                if (c.Library is { } call)
                {
                    var thrown = Record.Exception(() => Invoke(call, Expand));
                    Assert.True(thrown is not null, $"{c.Name}: {call.Call} did not throw.");
                    Assert.True(ExceptionTypes[call.Exception] == thrown.GetType(),
                        $"{c.Name}: {call.Call} threw {thrown.GetType().Name}, expected {call.Exception}: {thrown.Message}");
                    foreach (var fragment in c.Fragments ?? Array.Empty<string>())
                        Assert.True(thrown.Message.Contains(Expand(fragment), StringComparison.Ordinal),
                            $"{c.Name}: the library's message lacks '{fragment}':\n{thrown.Message}");
                }
                // Nothing created or half-written: no results folder, no NAME.partial, no import output or temporary file.
                Assert.Empty(CliHarness.Listing(tmp));
            }
            Assert.Equal(corpusBefore, CliHarness.Listing(CorpusFolder));
        }
        finally { CliHarness.DeleteQuietly(tmp); }
    }

    [Fact]
    public void The_corpus_has_at_least_30_refused_cases_and_every_corpus_file_is_used()
    {
        var cases = Loaded.Value.Cases;
        Assert.True(cases.Count(c => c.Exit != 0) >= 30, $"only {cases.Count(c => c.Exit != 0)} refused cases");
        Assert.Equal(cases.Length, cases.Select(c => c.Name).Distinct().Count());
        string everything = JsonSerializer.Serialize(cases);
        var unused = Directory.EnumerateFiles(CorpusFolder).Select(Path.GetFileName)
            .Where(f => f is not ("manifest.json" or ".gitattributes") && !everything.Contains("{corpus}/" + f)).ToArray();
        Assert.Empty(unused);
        // Commands that write results must be pointed into the case's own folder, never the default ./results.
        Assert.All(cases.Where(c => c.Args[0] is "train" or "loop"), c => Assert.Contains("--out", c.Args));
    }

    static JsonElement At(JsonElement root, string dottedPath) =>
        dottedPath.Split('.').Aggregate(root, (element, property) => element.GetProperty(property));

    /// <summary>The library call behind a case; it is expected to throw.</summary>
    static void Invoke(LibraryCall call, Func<string, string> expand)
    {
        var args = (call.Args ?? Array.Empty<string>()).Select(expand).ToArray();
        switch (call.Call)
        {
            case "SequenceFile.Read": SequenceFile.Read(args[0]); break;
            case "DatasetCatalog.Load":
                DatasetCatalog.FromEnvironment().Load(args[0], new DatasetLoadOptions(Path: call.Path is null ? null : expand(call.Path)));
                break;
            case "AmazonRatingsImporter.Import":
                AmazonRatingsImporter.Import(args[0], args[1], new RatingsImportOptions(call.Core ?? 5, call.Core ?? 5));
                break;
            case "TrainingRunOptions.FromJsonFile": TrainingRunOptions.FromJsonFile(args[0]).Validate(); break;
            case "Validate": Validate(call.Type!, call.Json!.Value.GetRawText()); break;
            case "Backbones.Preset": Backbones.Preset(args[0]); break;
            case "ComputeDevice.Resolve": ComputeDevice.Resolve(args[0]); break;
            case "ResultsFolder.Open": ResultsFolder.Open(args[0], args[1]); break;
            case "OutputLocation.CreateFolder": OutputLocation.CreateFolder(args[0], "results folder"); break;
            case "TrainingRun.Run":
                TrainingRun.Run(TrainingRunOptions.FromJsonFile(args[0]) with { Dataset = args[1] }).Model.Dispose();
                break;
            default: throw new NotSupportedException($"Unknown library call '{call.Call}' in manifest.json.");
        }
    }

    static void Validate(string type, string json)
    {
        var options = TrainingRunOptions.ConfigJson;
        switch (type)
        {
            case nameof(GenerationOptions): JsonSerializer.Deserialize<GenerationOptions>(json, options)!.Validate(); break;
            case nameof(TrainingOptions): JsonSerializer.Deserialize<TrainingOptions>(json, options)!.Validate(); break;
            case nameof(BackboneOptions): JsonSerializer.Deserialize<BackboneOptions>(json, options)!.Validate(); break;
            case nameof(EvaluationOptions): JsonSerializer.Deserialize<EvaluationOptions>(json, options)!.Validate(); break;
            case nameof(DatasetLoadOptions): JsonSerializer.Deserialize<DatasetLoadOptions>(json, options)!.Validate(); break;
            case nameof(RsirLoopOptions): JsonSerializer.Deserialize<RsirLoopOptions>(json, options)!.Validate(); break;
            default: throw new NotSupportedException($"Unknown options type '{type}' in manifest.json.");
        }
    }
}
