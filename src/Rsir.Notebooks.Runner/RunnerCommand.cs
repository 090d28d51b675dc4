using System.Diagnostics;

namespace Rsir.Notebooks.Runner;

/// <summary>The command line: <c>Rsir.Notebooks.Runner [options] NOTEBOOK.ipynb...</c>.</summary>
public static class RunnerCommand
{
    public const string Usage = """
        Runs .ipynb notebooks headless with the .NET Interactive C# kernel, in this process, cell by cell.
        Each notebook gets a fresh kernel and runs with its own folder as the current directory, so relative
        #r paths resolve as they do in VS Code and Jupyter. Stops at the first failing cell and exits non-zero.

        Usage: Rsir.Notebooks.Runner [options] NOTEBOOK.ipynb...

        Options:
          --write-outputs       write the outputs of the run back into each notebook (only if every cell passed)
          --out FILE            write the executed notebook to FILE instead, even if a cell failed (one notebook only)
          --profile NAME        set RSIR_PROFILE (quick | paper) for the notebooks; default: the environment's, else quick
          --cell-timeout SEC    fail a cell that runs longer than SEC seconds (default 1800)
          --configuration NAME  load the workbench from bin/NAME/ instead of bin/Release/ in the notebooks' #r lines
                                (tests run the notebooks on the build they were built with, e.g. Debug)
          --references DIR      load every #r'd .dll from DIR instead (a published bundle, e.g. on a GPU machine)
          --quiet               print only one line per notebook
          -h, --help            show this help

        Exit codes: 0 all cells passed; 1 a cell failed; 2 bad arguments or unreadable notebook; 3 a cell timed out.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        RunnerOptions options;
        try
        {
            options = RunnerOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run with --help for usage.");
            return 2;
        }
        if (options.ShowHelp)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (options.Profile is not null)
            Environment.SetEnvironmentVariable("RSIR_PROFILE", options.Profile);

        var log = options.Quiet ? TextWriter.Null : Console.Out;
        var total = Stopwatch.StartNew();
        foreach (var path in options.Notebooks)
        {
            NotebookRunResult result;
            try
            {
                result = await new NotebookRunner(log, options.CellTimeout, options.Configuration, options.References).RunAsync(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
            {
                Console.Error.WriteLine($"error: cannot read notebook {path}: {e.Message}");
                return 2;
            }

            Console.WriteLine(result.Summary());
            // --out gets the outputs even of a failed run (to look at); --write-outputs only of a passing one, so a
            // committed notebook never carries a broken run.
            string? target = options.OutputFile ?? (options.WriteOutputs && result.Failure is null ? path : null);
            if (target is not null)
            {
                NotebookFile.Write(result.Document, target);
                log.WriteLine($"  wrote outputs to {target}");
            }
            if (result.Failure is { } failure)
            {
                Console.Error.WriteLine(failure.Describe(path));
                return failure.TimedOut ? 3 : 1;
            }
        }
        if (options.Notebooks.Count > 1)
            Console.WriteLine($"{options.Notebooks.Count} notebooks passed in {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}

/// <summary>Parsed command-line options.</summary>
public sealed record RunnerOptions(IReadOnlyList<string> Notebooks, bool WriteOutputs, string? OutputFile,
    string? Profile, TimeSpan CellTimeout, bool Quiet, bool ShowHelp, string? Configuration = null, string? References = null)
{
    public static readonly string[] Profiles = ["quick", "paper"];

    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var notebooks = new List<string>();
        bool write = false, quiet = false, help = false;
        string? output = null, profile = null, configuration = null, references = null;
        var timeout = TimeSpan.FromMinutes(30);
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--write-outputs": write = true; break;
                case "--out": output = Value(); break;
                case "--profile":
                    profile = Value().Trim().ToLowerInvariant();
                    if (!Profiles.Contains(profile))
                        throw new ArgumentException($"--profile must be one of {string.Join(", ", Profiles)}; got '{profile}'.");
                    break;
                case "--cell-timeout":
                    var text = Value();
                    if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out double seconds) || seconds <= 0)
                        throw new ArgumentException($"--cell-timeout must be a positive number of seconds; got '{text}'.");
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--configuration":
                    configuration = Value();
                    if (configuration.Length == 0 || configuration.Any(c => !char.IsLetterOrDigit(c) && c is not ('-' or '_' or '.')))
                        throw new ArgumentException($"--configuration must be a build configuration name such as Debug; got '{configuration}'.");
                    break;
                case "--references":
                    references = Value();
                    if (!Directory.Exists(references)) throw new ArgumentException($"--references: folder '{references}' does not exist.");
                    break;
                case "--quiet": quiet = true; break;
                case "-h" or "--help" or "-?": help = true; break;
                default:
                    if (args[i].StartsWith('-')) throw new ArgumentException($"Unknown option '{args[i]}'.");
                    notebooks.Add(args[i]);
                    break;
            }
        }
        if (help) return new RunnerOptions(notebooks, write, output, profile, timeout, quiet, true, configuration, references);
        if (notebooks.Count == 0) throw new ArgumentException("Name at least one .ipynb notebook.");
        foreach (var n in notebooks)
        {
            if (!n.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{n}' is not an .ipynb notebook.");
            if (!File.Exists(n)) throw new ArgumentException($"Notebook '{n}' does not exist.");
        }
        if (output is not null && notebooks.Count != 1)
            throw new ArgumentException("--out takes exactly one notebook.");
        if (output is not null && write)
            throw new ArgumentException("Use either --write-outputs or --out, not both.");
        if ((configuration ?? references) is not null && (write || output is not null))
            throw new ArgumentException("--configuration and --references change the notebooks' code as run; they cannot be combined with --write-outputs or --out.");
        return new RunnerOptions(notebooks, write, output, profile, timeout, quiet, false, configuration, references);
    }
}
