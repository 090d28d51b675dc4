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
            return Report(args, Unwrap(e).Message, code);
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

    private static int? Classify(Exception e) => Unwrap(e) switch
    {
        OutputLocationException or DataFormatException or DatasetChecksumException or FileNotFoundException or DirectoryNotFoundException
            or InvalidDataException or ArgumentException or JsonException or UnauthorizedAccessException => BadInput,
        TrainingDivergedException or IOException or InvalidOperationException => Failure,
        _ => null,
    };

    /// <summary>Writes the command's result: a readable table on stderr and, with --json, one JSON line on stdout.</summary>
    public static void Emit(bool json, object result)
    {
        if (json) Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
    }
}
