using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Rsir.Interactive;

/// <summary>
/// How the notebooks show charts, data frames and the session: registered once per process by
/// <see cref="Workbench.Setup"/>. Charts are XPlot.Plotly figures drawn by plotly.js, which the output loads from its
/// CDN the first time (through require.js where the page has it, as in classic Jupyter). Every chart's HTML starts with
/// a visible text description of its data, which the script hides once it has drawn the chart, so viewers that run no
/// scripts (GitHub, an untrusted notebook) or cannot load plotly.js (offline) show the description; the text/plain
/// output is the same description.
/// </summary>
public static class Formatters
{
    /// <summary>plotly.js 2.x reads XPlot 4's figure JSON (string titles) as it is.</summary>
    public const string PlotlyUrl = "https://cdn.plot.ly/plotly-2.35.2.min";

    /// <summary>Rows of a data frame shown before "… N more rows".</summary>
    public static int MaxRows { get; set; } = 60;

    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;

        Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(ChartHtml(chart)), HtmlFormatter.MimeType);
        Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(ChartText(chart)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(PlotlyChart), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<DataFrame>((frame, writer) => writer.Write(FrameHtml(frame)), HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>((frame, writer) => writer.Write(FrameText(frame)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(DataFrame), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<WorkbenchSession>((s, writer) => writer.Write(SessionHtml(s)), HtmlFormatter.MimeType);
        Formatter.Register<WorkbenchSession>((s, writer) => writer.Write(s.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(WorkbenchSession), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    /// <summary>
    /// The chart's text description, visible, followed by a div for the chart and a script that draws it once
    /// plotly.js is there and then hides the text. Where no script runs or plotly.js cannot load (GitHub, an untrusted
    /// or offline notebook), the reader sees the description: the chart's title, axes and numbers.
    /// </summary>
    public static string ChartHtml(PlotlyChart chart)
    {
        string id = WebUtility.HtmlEncode(chart.Id);
        string plotting = chart.GetPlottingJS();
        string text = WebUtility.HtmlEncode(ChartDescription(chart) +
            "\n(The interactive chart replaces this text where plotly.js can load: VS Code, or a trusted notebook in " +
            "Jupyter with network access.)");
        return $$"""
            <div id="{{id}}-text" style="max-width: {{chart.Width}}px; white-space: pre-wrap; font-family: sans-serif; font-size: 13px; border: 1px solid #ccc; padding: 6px 10px; margin: 4px 0;">{{text}}</div>
            <div id="{{id}}" style="width: {{chart.Width}}px;"></div>
            <script type="text/javascript">
            (function () {
              var draw = function (Plotly) {
                var text = document.getElementById('{{id}}-text');
                if (text) text.style.display = 'none';
                {{plotting}}
              };
              var url = '{{PlotlyUrl}}';
              if (window.Plotly) { draw(window.Plotly); return; }
              if (typeof window.require === 'function' && typeof window.require.config === 'function') {
                window.require.config({ paths: { plotly: url } });
                window.require(['plotly'], function (Plotly) { draw(Plotly); });
                return;
              }
              var waiting = window.rsirPlotlyWaiting = window.rsirPlotlyWaiting || [];
              waiting.push(draw);
              if (waiting.length > 1) return;
              var script = document.createElement('script');
              script.src = url + '.js';
              script.onload = function () {
                var queued = window.rsirPlotlyWaiting; window.rsirPlotlyWaiting = [];
                queued.forEach(function (f) { f(window.Plotly); });
              };
              document.head.appendChild(script);
            })();
            </script>
            """;
    }

    /// <summary>The chart in words and numbers (<see cref="Plots.Describe"/>), the text/plain output of every chart.</summary>
    public static string ChartText(PlotlyChart chart) => ChartDescription(chart);

    private static string ChartDescription(PlotlyChart chart)
    {
        if (Plots.Describe(chart) is { } description) return description;
        var json = chart.GetPlottingJS();
        int layout = Math.Max(0, json.IndexOf("var layout", StringComparison.Ordinal));
        string title = Between(json[layout..], "\"title\":\"", "\"") ?? "untitled";
        int traces = CountOccurrences(json[..layout], "\"type\":");
        return $"Chart: {title}; {traces} trace(s).";
    }

    public static string FrameHtml(DataFrame frame)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var column in frame.Columns)
            html.Append("<th>").Append(WebUtility.HtmlEncode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        long rows = Math.Min(frame.Rows.Count, MaxRows);
        for (long r = 0; r < rows; r++)
        {
            html.Append("<tr>");
            foreach (var column in frame.Columns)
            {
                var value = column[r];
                bool numeric = value is double or float or int or long or decimal;
                html.Append(numeric ? "<td style=\"text-align: right\">" : "<td>")
                    .Append(WebUtility.HtmlEncode(Cell(value, column.Name))).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (frame.Rows.Count > rows)
            html.Append($"<p><i>… {frame.Rows.Count - rows:N0} more rows ({frame.Rows.Count:N0} in all)</i></p>");
        return html.ToString();
    }

    public static string FrameText(DataFrame frame)
    {
        long rows = Math.Min(frame.Rows.Count, MaxRows);
        var cells = new List<string[]> { frame.Columns.Select(c => c.Name).ToArray() };
        for (long r = 0; r < rows; r++)
            cells.Add(frame.Columns.Select(c => Cell(c[r], c.Name)).ToArray());
        var widths = Enumerable.Range(0, frame.Columns.Count).Select(i => cells.Max(row => row[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in cells)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadLeft(widths[i]))).TrimEnd());
        if (frame.Rows.Count > rows) text.AppendLine($"… {frame.Rows.Count - rows:N0} more rows");
        return text.ToString();
    }

    /// <summary>Like <see cref="Cell(object?)"/>, but ids (columns named item, user, *_user or *_id) print as they are,
    /// without thousands separators, and p-values (columns named p, p_*, *_p_t, *_p_wilcoxon) as <see cref="PValue"/>.</summary>
    public static string Cell(object? value, string column) =>
        value is int or long && IsIdColumn(column) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""
        : value is double p && IsPColumn(column) ? PValue(p)
        : Cell(value);

    private static bool IsIdColumn(string column) =>
        column is "item" or "user" || column.EndsWith("_user", StringComparison.Ordinal) || column.EndsWith("_id", StringComparison.Ordinal);

    private static bool IsPColumn(string column) =>
        column == "p" || column.StartsWith("p_", StringComparison.Ordinal) || column.EndsWith("_p_t", StringComparison.Ordinal)
        || column.EndsWith("_p_wilcoxon", StringComparison.Ordinal);

    /// <summary>A p-value as a reader wants it: two significant digits ("0.13", "0.0013"), and below 0.0001 in
    /// scientific notation ("3.8e-5"); "–" for NaN.</summary>
    public static string PValue(double p) => Rsir.Analysis.Significance.FormatP(p);

    /// <summary>Numbers as a reader wants them: counts with separators; below 1, four decimals (0.0471), or three
    /// significant digits below 0.01 (0.000734); from 1 up, four significant digits (4.28, 17.34, 526.4); ∞ for infinity.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        double d when double.IsPositiveInfinity(d) => "∞",
        double d when double.IsNegativeInfinity(d) => "−∞",
        double d when double.IsNaN(d) => "–",
        double d when Math.Abs(d) >= 1000 => d.ToString("N0", CultureInfo.InvariantCulture),
        double d when d == 0 => "0",
        double d when Math.Abs(d) < 0.01 => SignificantDigits(d, 3),
        double d when Math.Abs(d) < 1 => d.ToString("0.####", CultureInfo.InvariantCulture),
        double d => SignificantDigits(d, 4),
        float f => Cell((double)f),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Small numbers such as densities keep <paramref name="digits"/> significant digits: 0.000734.</summary>
    private static string SignificantDigits(double d, int digits)
    {
        int decimals = Math.Clamp(digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(d))), 0, 15);
        return Math.Round(d, decimals).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
    }

    private static string SessionHtml(WorkbenchSession s)
    {
        var rows = new (string, string)[]
        {
            ("profile", s.Profile.Describe() + (s.Profile.IsQuick ? " — set RSIR_PROFILE=paper for the paper's runs" : "")),
            ("device", s.DeviceDescription),
            ("machine", s.Machine),
            ("OMP_WAIT_POLICY", s.OpenMpWaitPolicy),
            ("commit", s.Commit),
            ("started", s.Started.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
        };
        var html = new StringBuilder("<table><tbody>");
        foreach (var (key, value) in rows)
            html.Append("<tr><th style=\"text-align: left\">").Append(key).Append("</th><td style=\"text-align: left\">")
                .Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    private static string? Between(string text, string start, string end)
    {
        int i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return null;
        i += start.Length;
        int j = text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? null : text[i..j];
    }

    private static int CountOccurrences(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
