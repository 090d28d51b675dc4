using System.CommandLine;
using System.Text.Json;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Runtime;
using Rsir.Training;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary>Shared plumbing: error reporting, the --json contract and the progress console.</summary>
internal static class CliRunner
{
    public const int BadInput = 2;
    public const int Failure = 1;

    private static (TextWriter Writer, IAnsiConsole Console)? progress;

    /// <summary>Progress and tables go to stderr so that stdout's last line can be the --json object. Follows
    /// <see cref="Console.Error"/>, so a caller that redirects it (tests running <see cref="CliApp.Run"/>) gets the output.</summary>
    public static IAnsiConsole Progress
    {
        get
        {
            var writer = Console.Error;
            if (progress is not { } current || !ReferenceEquals(current.Writer, writer))
                progress = current = (writer, CreateProgressConsole(writer));
            return current.Console;
        }
    }

    /// <summary>A difference with its sign, four decimals: "+0.0022", "-0.0013", and "0.0000" when it rounds to zero
    /// (.NET's "+0.0000;-0.0000" prints "-+0.0000" for a tiny negative number).</summary>
    public static string Signed(double difference)
    {
        double rounded = Math.Round(difference, 4);
        return rounded == 0 ? "0.0000" : rounded.ToString("+0.0000;-0.0000", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IAnsiConsole CreateProgressConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (Console.IsErrorRedirected) console.Profile.Width = 160;   // logs and CI: do not wrap tables at 80 columns
        return console;
    }

    public static int Invoke(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Unknown flags, unparsable values, missing arguments: bad input (2), reported like every other error,
            // not System.CommandLine's default (help on stdout, exit code 1).
            string message = string.Join(" ", parse.Errors.Select(e => e.Message)) + " (see --help)";
            return Report(args, message, BadInput);
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Classify(e) is int code)
        {
            return Report(args, Describe(e), code);
        }
    }

    /// <summary>The message of the last error <see cref="Invoke"/> reported (a grid point records it as its failure).</summary>
    public static string? LastError { get; private set; }

    private static int Report(string[] args, string message, int code)
    {
        LastError = message;
        Console.Error.WriteLine($"error: {message}");
        if (args.Contains("--json"))
            Console.WriteLine(JsonSerializer.Serialize(new { error = message, exit_code = code }));
        return code;
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? Unwrap(inner) : e;

    /// <summary>Bad input (2) or a failure while working (1); null for a bug, which keeps its stack trace.</summary>
    internal static int? Classify(Exception e) => Unwrap(e) switch
    {
        OutputLocationException or DataFormatException or DatasetChecksumException or FileNotFoundException or DirectoryNotFoundException
            or InvalidDataException or ArgumentException or JsonException or UnauthorizedAccessException => BadInput,
        TrainingDivergedException or IOException or InvalidOperationException or OutOfMemoryException
            or System.Runtime.InteropServices.ExternalException => Failure,
        _ => null,
    };

    /// <summary>The one line an error is reported with. libtorch's errors (TorchSharp raises them as ExternalException)
    /// carry a C++ backtrace after their first line; an out-of-memory error also says what to try.</summary>
    internal static string Describe(Exception error)
    {
        var e = Unwrap(error);
        if (e is not System.Runtime.InteropServices.ExternalException and not OutOfMemoryException) return e.Message;
        string first = e.Message.Split('\n', 2)[0].Trim();
        bool outOfMemory = e is OutOfMemoryException || first.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || first.Contains("allocate", StringComparison.OrdinalIgnoreCase);
        return outOfMemory
            ? $"out of memory: {first} (free memory on the device, or use a smaller Training.BatchSize or Evaluation.BatchSize via --config)"
            : $"libtorch: {first}";
    }

    /// <summary>Writes the command's result: a readable table on stderr and, with --json, one JSON line on stdout.</summary>
    public static void Emit(bool json, object result)
    {
        if (json) Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,   // like the results files
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
    }
}
