namespace Rsir.Runtime;

/// <summary>An output location (results folder, output file) that cannot be used: a file stands where a folder must
/// be, the folder may not be written, or the name is already taken. The message names the path and the obstacle.</summary>
public sealed class OutputLocationException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>Creates output folders with errors that say what is in the way.</summary>
public static class OutputLocation
{
    /// <summary>Creates <paramref name="path"/> and its parents (nothing happens if it exists), or throws
    /// <see cref="OutputLocationException"/>; <paramref name="what"/> names the folder in the message.</summary>
    public static string CreateFolder(string path, string what)
    {
        string full = Path.GetFullPath(path);
        for (string? ancestor = full; ancestor != null; ancestor = Path.GetDirectoryName(ancestor))
            if (File.Exists(ancestor))
                throw new OutputLocationException($"Cannot create the {what} '{full}': '{ancestor}' is a file, not a folder.");
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputLocationException($"Cannot create the {what} '{full}': {e.Message}", e);
        }
        return full;
    }
}
