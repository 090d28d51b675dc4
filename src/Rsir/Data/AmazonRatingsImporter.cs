using System.Globalization;

namespace Rsir.Data;

/// <summary>Settings of the ratings import. Defaults follow S3-Rec's <c>data_process.py</c>: all ratings, 5-core.</summary>
public sealed record RatingsImportOptions(int UserCore = 5, int ItemCore = 5)
{
    public const int MaximumCore = 1_000_000;

    public RatingsImportOptions Validate()
    {
        if (UserCore < 1 || UserCore > MaximumCore)
            throw new ArgumentOutOfRangeException(nameof(UserCore), UserCore,
                $"{nameof(UserCore)} (fewest rows a user needs to be kept) must be in 1..{MaximumCore}; got {UserCore}.");
        if (ItemCore < 1 || ItemCore > MaximumCore)
            throw new ArgumentOutOfRangeException(nameof(ItemCore), ItemCore,
                $"{nameof(ItemCore)} (fewest rows an item needs to be kept) must be in 1..{MaximumCore}; got {ItemCore}.");
        return this;
    }
}

/// <summary>What the import read, what the k-core filter kept, and how many passes it took. <c>CorePasses</c> counts
/// the passes of "drop users below the core, then items below the core" that removed at least one row (0 when the
/// ratings already formed a k-core).</summary>
public sealed record RatingsImportSummary(
    int RowsRead, int UsersBefore, int ItemsBefore,
    int RowsKept, int UsersAfter, int ItemsAfter,
    int CorePasses, int UserCore, int ItemCore);

/// <summary>The imported sequences (user ids 1..N, item ids 1..M, oldest item first) and the raw ids behind them:
/// <c>RawUserIds[u - 1]</c> is the raw id of user u, <c>RawItemIds[i - 1]</c> that of item i.</summary>
public sealed record RatingsImport(
    IReadOnlyDictionary<int, int[]> Sequences, int ItemCount,
    IReadOnlyList<string> RawUserIds, IReadOnlyList<string> RawItemIds,
    RatingsImportSummary Summary)
{
    /// <summary>The sequences in the order <see cref="SequenceFile.Write"/> takes them, by user id.</summary>
    public IEnumerable<(int User, IReadOnlyList<int> Items)> Rows =>
        Sequences.OrderBy(p => p.Key).Select(p => (p.Key, (IReadOnlyList<int>)p.Value));
}

/// <summary>
/// Turns a raw Amazon ratings CSV (<c>user,item,rating,timestamp</c>, no header, no quoting) into the sequence
/// format, the way S3-Rec made Beauty/Sports/Toys: keep all ratings, iterative k-core, sort each user's rows by
/// timestamp (stable, so same-time rows keep file order), number users by first appearance in the filtered file and
/// items by first appearance while scanning users 1..N.
/// </summary>
public static class AmazonRatingsImporter
{
    const int ColumnCount = 4;

    /// <summary>Reads <paramref name="csvPath"/> and, when <paramref name="outputPath"/> is given, writes the
    /// sequence file atomically. Nothing is written when the input is bad.</summary>
    public static RatingsImport Import(string csvPath, string? outputPath = null, RatingsImportOptions? options = null)
    {
        if (!File.Exists(csvPath))
            throw new FileNotFoundException($"Ratings file not found: {csvPath}", csvPath);
        RatingsImport result;
        using (var reader = new StreamReader(csvPath))
            result = Parse(reader, csvPath, options);
        if (outputPath != null)
            SequenceFile.Write(outputPath, result.Rows);
        return result;
    }

    public static RatingsImport Parse(TextReader reader, string name, RatingsImportOptions? options = null)
    {
        options = (options ?? new RatingsImportOptions()).Validate();
        var ratings = ReadRatings(reader, name);
        int usersBefore = ratings.UserIds.Count, itemsBefore = ratings.ItemIds.Count;

        var kept = new bool[ratings.Count];
        Array.Fill(kept, true);
        int passes = KeepCore(ratings, kept, options.UserCore, options.ItemCore);

        var (sequences, rawUsers, rawItems) = Renumber(ratings, kept);
        if (sequences.Count == 0)
            throw new InvalidDataException(
                $"{name}: no user survives the {options.UserCore}/{options.ItemCore}-core filter " +
                $"({ratings.Count} rows, {usersBefore} users, {itemsBefore} items read); nothing to write.");

        var summary = new RatingsImportSummary(ratings.Count, usersBefore, itemsBefore,
            kept.Count(k => k), sequences.Count, rawItems.Count, passes, options.UserCore, options.ItemCore);
        return new RatingsImport(sequences, rawItems.Count, rawUsers, rawItems, summary);
    }

    /// <summary>The parsed file: one entry per row, users and items interned to dense indices in order of appearance.</summary>
    sealed class Ratings
    {
        public readonly List<int> User = new(), Item = new();
        public readonly List<long> Timestamp = new();
        public readonly List<string> UserIds = new(), ItemIds = new();
        public int Count => User.Count;
    }

    static Ratings ReadRatings(TextReader reader, string name)
    {
        var ratings = new Ratings();
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        string? line;
        int lineNumber = 0;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            line = line.TrimEnd('\r');
            if (line.Trim().Length == 0)
                throw new DataFormatException(name, lineNumber, line, "blank line; every line must be 'user,item,rating,timestamp'");
            var fields = line.Split(',');
            if (fields.Length != ColumnCount)
                throw new DataFormatException(name, lineNumber, line,
                    $"expected {ColumnCount} comma-separated columns 'user,item,rating,timestamp' but found {fields.Length}");
            string user = fields[0].Trim(), item = fields[1].Trim(), rating = fields[2].Trim(), timestamp = fields[3].Trim();
            if (user.Length == 0)
                throw new DataFormatException(name, lineNumber, line, "user id (column 1) is empty");
            if (item.Length == 0)
                throw new DataFormatException(name, lineNumber, line, "item id (column 2) is empty");
            if (!double.TryParse(rating, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new DataFormatException(name, lineNumber, rating,
                    "rating (column 3) is not a number" + (lineNumber == 1 ? "; the file must not have a header line" : ""));
            if (timestamp.Length == 0)
                throw new DataFormatException(name, lineNumber, line, "timestamp (column 4) is missing");
            if (!long.TryParse(timestamp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long time))
                throw new DataFormatException(name, lineNumber, timestamp, "timestamp (column 4) is not an integer unix time");

            ratings.User.Add(Intern(userIndex, ratings.UserIds, user));
            ratings.Item.Add(Intern(itemIndex, ratings.ItemIds, item));
            ratings.Timestamp.Add(time);
        }
        if (ratings.Count == 0)
            throw new DataFormatException(name, 0, null, "the file is empty: no rating lines");
        return ratings;
    }

    static int Intern(Dictionary<string, int> index, List<string> ids, string id)
    {
        if (!index.TryGetValue(id, out int i))
        {
            i = ids.Count;
            index[id] = i;
            ids.Add(id);
        }
        return i;
    }

    /// <summary>Marks rows outside the k-core as not kept; returns the passes that removed something.
    /// The k-core is unique, so the order of removal changes only the pass count, never the rows kept.</summary>
    static int KeepCore(Ratings ratings, bool[] kept, int userCore, int itemCore)
    {
        var userRows = new int[ratings.UserIds.Count];
        var itemRows = new int[ratings.ItemIds.Count];
        int passes = 0;
        while (true)
        {
            bool removed = DropRowsBelow(ratings.User, userRows, userCore, kept);
            removed |= DropRowsBelow(ratings.Item, itemRows, itemCore, kept);
            if (!removed) return passes;
            passes++;
        }
    }

    static bool DropRowsBelow(List<int> keyOfRow, int[] rowsPerKey, int core, bool[] kept)
    {
        Array.Clear(rowsPerKey);
        for (int r = 0; r < kept.Length; r++)
            if (kept[r]) rowsPerKey[keyOfRow[r]]++;
        bool removed = false;
        for (int r = 0; r < kept.Length; r++)
            if (kept[r] && rowsPerKey[keyOfRow[r]] < core)
            {
                kept[r] = false;
                removed = true;
            }
        return removed;
    }

    static (Dictionary<int, int[]> Sequences, List<string> RawUsers, List<string> RawItems) Renumber(Ratings ratings, bool[] kept)
    {
        var rowsOfUser = new Dictionary<int, List<int>>();
        var userOrder = new List<int>();
        for (int r = 0; r < kept.Length; r++)
        {
            if (!kept[r]) continue;
            if (!rowsOfUser.TryGetValue(ratings.User[r], out var rows))
            {
                rowsOfUser[ratings.User[r]] = rows = new List<int>();
                userOrder.Add(ratings.User[r]);
            }
            rows.Add(r);
        }

        var newItemId = new Dictionary<int, int>();
        var rawUsers = new List<string>();
        var rawItems = new List<string>();
        var sequences = new Dictionary<int, int[]>();
        foreach (int user in userOrder)
        {
            var rows = rowsOfUser[user];
            var items = new int[rows.Count];
            int position = 0;
            // OrderBy is a stable sort: rows with the same timestamp stay in file order.
            foreach (int row in rows.OrderBy(r => ratings.Timestamp[r]))
                items[position++] = ItemId(ratings.Item[row]);
            rawUsers.Add(ratings.UserIds[user]);
            sequences[rawUsers.Count] = items;
        }
        return (sequences, rawUsers, rawItems);

        int ItemId(int item)
        {
            if (!newItemId.TryGetValue(item, out int id))
            {
                newItemId[item] = id = rawItems.Count + 1;
                rawItems.Add(ratings.ItemIds[item]);
            }
            return id;
        }
    }
}
