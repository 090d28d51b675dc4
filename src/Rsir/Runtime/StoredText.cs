using System.IO.Compression;

namespace Rsir.Runtime;

/// <summary>
/// Result files stored plain or gzipped (the same name + ".gz", see environment/compact-results.sh), read the same way:
/// committed results stay small enough to travel, and every reader takes either form.
/// </summary>
public static class StoredText
{
    /// <summary>The file itself, else its gzipped form, else null.</summary>
    public static string? Locate(string path) =>
        File.Exists(path) ? path : File.Exists(path + ".gz") ? path + ".gz" : null;

    public static bool Exists(string path) => Locate(path) is not null;

    /// <summary>A reader over the file or its gzipped form; <paramref name="path"/> may name either.</summary>
    public static StreamReader Open(string path)
    {
        string found = File.Exists(path) ? path : Locate(path) ?? throw new FileNotFoundException($"No file at {path} (nor {path}.gz).", path);
        Stream stream = File.OpenRead(found);
        if (found.EndsWith(".gz", StringComparison.Ordinal)) stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream);
    }

    public static IEnumerable<string> ReadLines(string path)
    {
        using var reader = Open(path);
        while (reader.ReadLine() is { } line) yield return line;
    }
}
