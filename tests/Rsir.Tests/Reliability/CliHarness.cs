using System.Text;
using System.Text.Json;

namespace Rsir.Tests.Reliability;

/// <summary>What one in-process <c>rsir</c> command line did.</summary>
sealed record CliOutcome(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The --json object: stdout's last non-empty line.</summary>
    public JsonElement Json
    {
        get
        {
            var last = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InvalidOperationException($"No stdout; stderr was:\n{Stderr}");
            return JsonDocument.Parse(last).RootElement.Clone();
        }
    }

    public string Error => Json.TryGetProperty("error", out var error) ? error.GetString()!
        : throw new InvalidOperationException($"The --json object has no 'error': {Json}");
}

/// <summary>Runs <see cref="Rsir.Cli.CliApp.Run"/> in-process with stdout and stderr captured (and restored after).</summary>
static class CliHarness
{
    public static CliOutcome Run(params string[] args)
    {
        var stdout = new StringWriter(new StringBuilder());
        var stderr = new StringWriter(new StringBuilder());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int code = Rsir.Cli.CliApp.Run(args);
            return new CliOutcome(code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>A fresh folder under the system temp folder.</summary>
    public static string NewTempFolder(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static void DeleteQuietly(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Every file and folder under <paramref name="root"/>, relative, with file sizes: a snapshot to compare.</summary>
    public static string[] Listing(string root) => Directory.Exists(root)
        ? Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p) + (File.Exists(p) ? $" ({new FileInfo(p).Length} bytes)" : "/"))
            .OrderBy(p => p, StringComparer.Ordinal).ToArray()
        : Array.Empty<string>();
}
