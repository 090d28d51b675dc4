using System.Globalization;

namespace Rsir.Data;

/// <summary>
/// The standard sequence format: one line per user, <c>user item item …</c>, items oldest first, ids ≥ 1, 0 free for
/// padding. Trailing spaces, tabs and Windows line endings are accepted; anything else wrong is a
/// <see cref="DataFormatException"/> naming file, line and token.
/// </summary>
public static class SequenceFile
{
    /// <summary>Largest item or user id accepted; larger ids are almost always a corrupted file, and would cost
    /// gigabytes of embedding table.</summary>
    public const int MaxId = 50_000_000;

    public sealed record Contents(IReadOnlyDictionary<int, int[]> Sequences, int ItemCount, int Lines);

    public static Contents Read(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"Sequence file not found: {path}", path);
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    public static Contents Parse(TextReader reader, string name)
    {
        var sequences = new Dictionary<int, int[]>();
        int maxItem = 0, lineNumber = 0, nonBlank = 0;
        string? line;
        var items = new List<int>();
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            var tokens = line.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
                throw new DataFormatException(name, lineNumber, null, "blank line; every line must be 'user item item …'");
            nonBlank++;
            int user = ParseId(tokens[0], name, lineNumber, "user id");
            if (tokens.Length < 2)
                throw new DataFormatException(name, lineNumber, tokens[0], $"user {user} has no items");
            items.Clear();
            for (int i = 1; i < tokens.Length; i++)
            {
                int item = ParseId(tokens[i], name, lineNumber, "item id");
                items.Add(item);
                if (item > maxItem) maxItem = item;
            }
            if (!sequences.TryAdd(user, items.ToArray()))
                throw new DataFormatException(name, lineNumber, tokens[0], $"user {user} appears on more than one line");
        }
        if (nonBlank == 0)
            throw new DataFormatException(name, 0, null, "the file is empty: no user lines");
        return new Contents(sequences, maxItem, lineNumber);
    }

    static int ParseId(string token, string file, int line, string what)
    {
        if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            string digits = token.TrimStart('+');
            bool tooLarge = digits.Length > 0 && digits.All(char.IsAsciiDigit);
            throw new DataFormatException(file, line, token,
                tooLarge ? $"{what} exceeds the supported maximum {MaxId}" : $"{what} is not an integer");
        }
        if (value < 1)
            throw new DataFormatException(file, line, token, $"{what} must be ≥ 1 (0 is reserved for padding)");
        if (value > MaxId)
            throw new DataFormatException(file, line, token, $"{what} exceeds the supported maximum {MaxId}");
        return (int)value;
    }

    /// <summary>Writes sequences in the standard format, atomically (temporary file, then rename). Lines end in '\n' on
    /// every OS, so the same sequences always give the same bytes (and md5).</summary>
    public static void Write(string path, IEnumerable<(int User, IReadOnlyList<int> Items)> rows)
    {
        Runtime.AtomicFile.WriteAllText(path, writer =>
        {
            foreach (var (user, items) in rows)
                writer.Write(user.ToString(CultureInfo.InvariantCulture) + " " + string.Join(' ', items) + "\n");
        });
    }
}
