using System.CommandLine;
using System.Text.Json;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Training;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary>Shared plumbing: error reporting, the --json contract and the progress console.</summary>
internal static class CliRunner
{
    public const int BadInput = 2;
    public const int Failure = 1;

    /// <summary>Progress and tables go to stderr so that stdout's last line can be the --json object.</summary>
    public static readonly IAnsiConsole Progress = CreateProgressConsole();

    private static IAnsiConsole CreateProgressConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected) console.Profile.Width = 160;   // logs and CI: do not wrap tables at 80 columns
        return console;
    }

    public static int Invoke(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Classify(e) is int code)
        {
            Console.Error.WriteLine($"error: {Unwrap(e).Message}");
            if (args.Contains("--json"))
                Console.WriteLine(JsonSerializer.Serialize(new { error = Unwrap(e).Message, exit_code = code }));
            return code;
        }
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? Unwrap(inner) : e;

    private static int? Classify(Exception e) => Unwrap(e) switch
    {
        DataFormatException or DatasetChecksumException or FileNotFoundException or DirectoryNotFoundException
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
