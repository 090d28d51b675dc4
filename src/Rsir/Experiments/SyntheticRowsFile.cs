using Rsir.Data;
using Rsir.Runtime;

namespace Rsir.Experiments;

/// <summary>
/// synthetic.tsv, a round's generated rows with their provenance: <c>pseudo_user, source_user, generator, stop_reason,
/// items</c>. Runs write it plain; committed results may hold it gzipped as synthetic.tsv.gz (environment/compact-results.sh),
/// which every reader opens transparently.
/// </summary>
public static class SyntheticRowsFile
{
    public const string Name = "synthetic.tsv";
    public const string CompressedName = Name + ".gz";
    private const string Header = "pseudo_user\tsource_user\tgenerator\tstop_reason\titems";

    /// <summary>The round folder's synthetic rows file (plain or gzipped), or null if it has none (round 0).</summary>
    public static string? Find(string roundFolder) => StoredText.Locate(Path.Combine(roundFolder, Name));

    public static void Write(string path, IEnumerable<TrainingRow> rows) =>
        AtomicFile.WriteAllText(path, w =>
        {
            w.Write(Header + "\n");
            foreach (var row in rows)
                w.Write($"{row.User}\t{row.Origin.SourceUser}\t{row.Origin.Generator}\t{row.Origin.StopReason}\t{string.Join(' ', row.Items)}\n");
        });

    /// <summary>The rows of a synthetic.tsv or synthetic.tsv.gz, as round <paramref name="round"/>'s training rows.</summary>
    public static IReadOnlyList<TrainingRow> Read(string path, int round)
    {
        var rows = new List<TrainingRow>();
        using var reader = StoredText.Open(path);
        int line = 1;
        if (reader.ReadLine() is not { } header || header != Header)
            throw new DataFormatException(path, 1, "", $"expected the header \"{Header.Replace('\t', ' ')}\"");
        while (reader.ReadLine() is { } text)
        {
            line++;
            var f = text.Split('\t');
            if (f.Length != 5) throw new DataFormatException(path, line, text, "expected 5 tab-separated fields");
            try
            {
                var items = f[4].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
                rows.Add(new TrainingRow(int.Parse(f[0]), items, new RowOrigin(round, int.Parse(f[1]), f[2], f[3])));
            }
            catch (FormatException)
            {
                throw new DataFormatException(path, line, text, "user ids and items must be whole numbers");
            }
        }
        return rows;
    }
}
