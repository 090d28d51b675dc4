using Rsir.Data;

namespace Rsir.Analysis;

internal static class DatasetRows
{
    /// <summary>The same dataset (catalogue, users, validation, test) with other training rows.</summary>
    public static Dataset Replace(Dataset data, IReadOnlyList<TrainingRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.Items.Length < 2)
                throw new ArgumentException($"A training row needs at least 2 items; row of user {row.User} has {row.Items.Length}.");
            foreach (int item in row.Items)
                if (item < 1 || item > data.ItemCount)
                    throw new ArgumentOutOfRangeException(nameof(rows), $"Item id {item} of row (user {row.User}) is outside 1..{data.ItemCount}.");
        }
        return new Dataset(data.Name, data.ItemCount, data.UserCount, rows, data.Validation, data.Test, data.UserSequences, data.Summary);
    }
}
