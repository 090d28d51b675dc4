using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Rsir.Notebooks.Runner;

/// <summary>One executed code cell: its position, how long it ran and whether it passed.</summary>
public sealed record CellRun(int Number, int CodeCell, string FirstLine, TimeSpan Duration, bool Passed);

/// <summary>Why a notebook run stopped: the cell (1-based among all cells, and among code cells) and the error.</summary>
public sealed record CellFailure(int Number, int CodeCell, string FirstLine, string Message, bool TimedOut)
{
    public string Describe(string notebook) =>
        $"{notebook}: cell {Number} (code cell {CodeCell}, starting \"{FirstLine}\") " +
        (TimedOut ? "timed out" : "failed") + $":\n{Message}";
}

/// <summary>The executed document (outputs filled in), the cells run and the failure, if any.</summary>
public sealed record NotebookRunResult(string Path, InteractiveDocument Document, IReadOnlyList<CellRun> Cells,
    CellFailure? Failure, TimeSpan Duration)
{
    public string Summary()
    {
        string name = System.IO.Path.GetFileName(Path);
        return Failure is null
            ? $"{name}: {Cells.Count} code cells passed in {Duration.TotalSeconds:F1} s"
            : $"{name}: FAILED at cell {Failure.Number} after {Duration.TotalSeconds:F1} s";
    }
}

/// <summary>
/// Executes a notebook's C# cells in order with a fresh <see cref="CSharpKernel"/> (inside a <see cref="CompositeKernel"/>,
/// as in Polyglot Notebooks), collecting each cell's outputs as Jupyter would show them: displayed values (updated in
/// place), the cell's return value, standard output and error, and the error of a failing cell. The current directory
/// is the notebook's folder while it runs, so <c>#r "../src/…"</c> resolves as in VS Code and Jupyter.
/// </summary>
public sealed class NotebookRunner
{
    private readonly TextWriter log;
    private readonly TimeSpan cellTimeout;
    private readonly string? configuration;
    private readonly string? references;

    /// <param name="configuration">When set, <c>#r</c> lines load from <c>bin/{configuration}/</c> instead of
    /// <c>bin/Release/</c> (the notebooks as written reference the Release build).</param>
    /// <param name="references">When set, every <c>#r "….dll"</c> line loads the same file name from this folder
    /// (a published bundle, as on a GPU machine without the .NET SDK).</param>
    public NotebookRunner(TextWriter log, TimeSpan cellTimeout, string? configuration = null, string? references = null)
    {
        this.log = log;
        this.cellTimeout = cellTimeout;
        this.configuration = configuration;
        this.references = references is null ? null : System.IO.Path.GetFullPath(references);
    }

    public async Task<NotebookRunResult> RunAsync(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var document = NotebookFile.Read(full);
        string previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(System.IO.Path.GetDirectoryName(full)!);
        var clock = Stopwatch.StartNew();
        try
        {
            using var kernel = CreateKernel();
            var (cells, failure) = await RunCellsAsync(kernel, document);
            return new NotebookRunResult(full, document, cells, failure, clock.Elapsed);
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    private async Task<(List<CellRun>, CellFailure?)> RunCellsAsync(CompositeKernel kernel, InteractiveDocument document)
    {
        var runs = new List<CellRun>();
        int number = 0, codeCell = 0, executionCount = 0;
        foreach (var cell in document.Elements)
        {
            number++;
            if (NotebookFile.IsMarkdown(cell)) continue;
            codeCell++;
            string firstLine = FirstLine(cell.Contents);
            cell.Outputs.Clear();
            if (!NotebookFile.IsCSharp(cell))
            {
                var message = $"The cell's kernel is '{cell.KernelName}'; the headless runner runs C# cells only.";
                cell.Outputs.Add(new ErrorElement(message, "UnsupportedKernel", Array.Empty<string>()));
                return (runs, new CellFailure(number, codeCell, firstLine, message, false));
            }
            if (string.IsNullOrWhiteSpace(cell.Contents)) continue;

            log.WriteLine($"  [{codeCell}] {firstLine}");
            log.Flush();
            cell.ExecutionOrder = ++executionCount;
            var outputs = new CellOutputs(cell, executionCount, log);
            var clock = Stopwatch.StartNew();
            KernelCommandResult? result;
            using (kernel.KernelEvents.Subscribe(outputs.On))
            {
                var submission = kernel.SubmitCodeAsync(RewriteReferences(cell.Contents, configuration, references));
                var finished = await Task.WhenAny(submission, Task.Delay(cellTimeout));
                result = finished == submission ? await submission : null;
            }
            var elapsed = clock.Elapsed;
            if (result is null)
            {
                var message = $"The cell ran longer than {cellTimeout.TotalSeconds:F0} s.";
                cell.Outputs.Add(new ErrorElement(message, "Timeout", Array.Empty<string>()));
                runs.Add(new CellRun(number, codeCell, firstLine, elapsed, false));
                return (runs, new CellFailure(number, codeCell, firstLine, message, true));
            }

            var failed = result.Events.OfType<CommandFailed>().LastOrDefault();
            runs.Add(new CellRun(number, codeCell, firstLine, elapsed, failed is null));
            log.WriteLine($"      {(failed is null ? "ok" : "FAILED")} in {elapsed.TotalSeconds:F1} s");
            if (failed is not null)
            {
                string message = failed.Message ?? failed.Exception?.Message ?? "the cell failed";
                outputs.AddError(failed);
                return (runs, new CellFailure(number, codeCell, firstLine, message, false));
            }
        }
        return (runs, null);
    }

    /// <summary>Points the <c>#r</c> lines of a cell at <c>bin/{configuration}/</c> instead of <c>bin/Release/</c>,
    /// or, with <paramref name="references"/>, at that folder's copy of each referenced .dll.</summary>
    internal static string RewriteReferences(string contents, string? configuration, string? references = null)
    {
        if (configuration is null && references is null) return contents;
        var lines = contents.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.TrimStart().StartsWith("#r ", StringComparison.Ordinal)) continue;
            if (configuration is not null)
                line = line.Replace("/bin/Release/", $"/bin/{configuration}/", StringComparison.Ordinal);
            var path = line.TrimStart()[3..].Trim().Trim('"');
            if (references is not null && path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !path.Contains(':'))
                line = $"#r \"{System.IO.Path.Combine(references, System.IO.Path.GetFileName(path))}\"";
            lines[i] = line;
        }
        return string.Join('\n', lines);
    }

    internal static string FirstLine(string contents)
    {
        var line = contents.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > 70 ? line[..67] + "..." : line;
    }

    /// <summary>Turns one cell's kernel events into Jupyter outputs.</summary>
    private sealed class CellOutputs(InteractiveDocumentElement cell, int executionCount, TextWriter log)
    {
        private readonly Dictionary<string, DisplayElement> displayed = new();

        public void On(KernelEvent e)
        {
            switch (e)
            {
                case ReturnValueProduced r:
                    var data = Data(r.FormattedValues);
                    if (data.Count > 0)
                    {
                        var element = new ReturnValueElement { ExecutionOrder = executionCount };
                        foreach (var (k, v) in data) element.Data[k] = v;
                        cell.Outputs.Add(element);
                    }
                    break;
                case StandardOutputValueProduced o:
                    AppendText("stdout", Text(o.FormattedValues));
                    break;
                case StandardErrorValueProduced o:
                    AppendText("stderr", Text(o.FormattedValues));
                    break;
                case DisplayedValueUpdated u when u.ValueId is not null && displayed.TryGetValue(u.ValueId, out var existing):
                    existing.Data.Clear();
                    foreach (var (k, v) in Data(u.FormattedValues)) existing.Data[k] = v;
                    break;
                case DisplayedValueProduced d:
                    var display = new DisplayElement(Data(d.FormattedValues));
                    if (display.Data.Count == 0) break;
                    cell.Outputs.Add(display);
                    if (d.ValueId is not null) displayed[d.ValueId] = display;
                    break;
                case DisplayedValueUpdated u:
                    // An update whose display this cell never produced. The kernel's display() helper (this version)
                    // publishes its first value under another id than its updates; show the update as a new output.
                    var late = new DisplayElement(Data(u.FormattedValues));
                    if (late.Data.Count > 0) cell.Outputs.Add(late);
                    if (u.ValueId is not null) displayed[u.ValueId] = late;
                    break;
            }
        }

        public void AddError(CommandFailed failed)
        {
            var exception = failed.Exception;
            string name = exception?.GetType().Name ?? "Error";
            string value = failed.Message ?? exception?.Message ?? "";
            var stack = exception?.StackTrace?.Split('\n').Select(l => l.TrimEnd('\r')).ToArray() ?? Array.Empty<string>();
            // Documents' ErrorElement takes the value (message) first, then the name.
            cell.Outputs.Add(new ErrorElement(value, name, stack));
        }

        private void AppendText(string stream, string text)
        {
            if (text.Length == 0) return;
            log.Write(Indent(text));
            if (cell.Outputs.Count > 0 && cell.Outputs[^1] is TextElement last && last.Name == stream)
                cell.Outputs[^1] = new TextElement(last.Text + text, stream);
            else
                cell.Outputs.Add(new TextElement(text, stream));
        }

        private static string Indent(string text) =>
            string.Concat(text.Split('\n').Select((l, i) => (i == 0 ? "      | " : "\n      | ") + l)).TrimEnd(' ', '|') switch
            {
                var s when s.EndsWith('\n') => s,
                var s => s + "\n",
            };

        private static Dictionary<string, object> Data(IEnumerable<FormattedValue> values) =>
            values.Where(v => !v.SuppressDisplay)
                .GroupBy(v => v.MimeType)
                .ToDictionary(g => g.Key, g => (object)g.Last().Value.Replace("\r\n", "\n"));

        private static string Text(IEnumerable<FormattedValue> values) =>
            (values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value
             ?? values.FirstOrDefault()?.Value ?? "").Replace("\r\n", "\n");
    }
}
