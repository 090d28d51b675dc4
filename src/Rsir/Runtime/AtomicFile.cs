namespace Rsir.Runtime;

/// <summary>Writes a file so that readers see either the old content or the whole new one, never a half-written file.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, Action<TextWriter> write)
    {
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            write(writer);
        });
    }

    public static void WriteAllText(string path, string text) => WriteAllText(path, w => w.Write(text));

    /// <summary>For writers that want a path (and may close their stream): they write the temporary file, we rename it.</summary>
    public static void WriteVia(string path, Action<string> writeTemporary)
    {
        string full = PrepareTarget(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTemporary(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Write(string path, Action<Stream> write)
    {
        string full = PrepareTarget(path);
        string dir = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The full path, once its folder exists and nothing but a file stands at it.</summary>
    private static string PrepareTarget(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new OutputLocationException($"Cannot write the file '{full}': a folder of that name exists.");
        OutputLocation.CreateFolder(Path.GetDirectoryName(full)!, $"folder of '{Path.GetFileName(full)}'");
        return full;
    }
}
