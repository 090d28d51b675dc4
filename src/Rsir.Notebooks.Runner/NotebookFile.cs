using System.Text;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Rsir.Notebooks.Runner;

/// <summary>Reads and writes .ipynb files the way Polyglot Notebooks does (C# the default kernel).</summary>
public static class NotebookFile
{
    public const string CSharp = "csharp";
    private const string PolyglotMetadata = "polyglot_notebook";

    public static KernelInfoCollection Kernels()
    {
        var kernels = new KernelInfoCollection
        {
            new KernelInfo(CSharp, "C#", new[] { "c#", "C#", "cs" }),
        };
        kernels.DefaultKernelName = CSharp;
        return kernels;
    }

    public static InteractiveDocument Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Notebook.Read(stream, Kernels());
    }

    /// <summary>Writes atomically (a temporary file renamed over the target), ending in a newline.</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        // Reading leaves the notebook's "polyglot_notebook" metadata as a plain dictionary, which the writer cannot
        // cast to the kernel list it expects; drop it and let the writer put it back from the document's kernels.
        if (document.Metadata.TryGetValue(PolyglotMetadata, out var kernels) && kernels is not KernelInfoCollection)
            document.Metadata.Remove(PolyglotMetadata);
        string json = Notebook.ToJupyterJson(document, CSharp).Replace("\r\n", "\n");
        if (!json.EndsWith('\n')) json += "\n";
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, json, new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }

    public static bool IsMarkdown(InteractiveDocumentElement cell) =>
        string.Equals(cell.KernelName, "markdown", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(cell.KernelName, "md", StringComparison.OrdinalIgnoreCase);

    public static bool IsCSharp(InteractiveDocumentElement cell) =>
        cell.KernelName is null || Kernels().Contains(cell.KernelName);
}
