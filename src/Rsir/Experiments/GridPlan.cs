using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Rsir.Experiments;

/// <summary>
/// A plan of many <c>rsir</c> runs, read from a JSON file: blocks of points, each block either a grid (named axes whose
/// values fill <c>{axis}</c> placeholders in a command line and a name template) or one explicit run. Every point is an
/// ordinary <c>rsir train | loop | baseline</c> command with a deterministic <c>--name</c> and <c>--out</c>, so running
/// it again skips it when finished and resumes it when not.
/// <code>
/// { "name": "seeds", "out": "results/grid", "baseline": { "round": 0 },
///   "grids": [ { "axes": { "seed": [2023, 2024, 2025] }, "name": "beauty-s{seed}",
///                "run": "loop --dataset beauty --rounds 1 --seed {seed}" } ] }
/// </code>
/// Fields: <c>name</c> (default: the file's name), <c>description</c>, <c>out</c> (results root; relative to the
/// current directory, like <c>--out</c>; default <c>results</c>), <c>seed_axis</c> (the label that varies over seeds;
/// default <c>seed</c>), <c>baseline</c> (the labels that turn a row into the row it is tested against, e.g.
/// <c>{ "round": 0 }</c>), <c>metrics</c> (default recall@10, recall@20, ndcg@10, ndcg@20), <c>grids</c> and
/// <c>runs</c>. A block: <c>id</c>, <c>axes</c> (grids only), <c>labels</c> (fixed labels of its points),
/// <c>name</c>, <c>run</c> and <c>after</c> (ids of earlier blocks whose points must end first; <c>{out}</c> in a
/// command is the absolute results root, for <c>--base-from {out}/…</c>).
/// </summary>
public sealed class GridPlan
{
    /// <summary>The commands a point may run: those that write one results folder named by <c>--name</c>.</summary>
    public static readonly IReadOnlyList<string> Commands = new[] { "train", "loop", "baseline" };
    /// <summary>The label a loop point's rows carry: one row per round, 0 = the base model.</summary>
    public const string RoundLabel = "round";
    public static readonly IReadOnlyList<string> DefaultMetrics = new[] { "recall@10", "recall@20", "ndcg@10", "ndcg@20" };

    public string File { get; }
    public string Name { get; }
    public string? Description { get; }
    /// <summary>Absolute results root: every point's folder is <c>ResultsRoot/NAME</c>.</summary>
    public string ResultsRoot { get; }
    public string SeedAxis { get; }
    public IReadOnlyDictionary<string, string> Baseline { get; }
    public IReadOnlyList<string> Metrics { get; }
    public IReadOnlyList<GridPoint> Points { get; }
    /// <summary>Where the grid keeps its own records: submissions, logs, each point's last attempt, the collected table.</summary>
    public string StateFolder => Path.Combine(ResultsRoot, $"grid-{Name}");

    private GridPlan(string file, string name, string? description, string root, string seedAxis,
        IReadOnlyDictionary<string, string> baseline, IReadOnlyList<string> metrics, IReadOnlyList<GridPoint> points)
    {
        File = file; Name = name; Description = description; ResultsRoot = root; SeedAxis = seedAxis;
        Baseline = baseline; Metrics = metrics; Points = points;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private sealed record PlanFile(string? Name, string? Description, string? Out, string? SeedAxis,
        Dictionary<string, JsonElement>? Baseline, string[]? Metrics, BlockFile[]? Grids, BlockFile[]? Runs);

    private sealed record BlockFile(string? Id, Dictionary<string, JsonElement[]>? Axes, Dictionary<string, JsonElement>? Labels,
        string? Name, string? Run, string[]? After);

    private static readonly Regex SafeName = new("^[A-Za-z0-9][A-Za-z0-9._+=-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Placeholder = new(@"\{([^{}]*)\}", RegexOptions.CultureInvariant);
    private static readonly Regex MetricName = new("^(recall|ndcg)@([1-9][0-9]*)$", RegexOptions.CultureInvariant);

    /// <summary>Reads and checks a plan. <paramref name="resultsRoot"/> overrides the plan's <c>out</c>. Every problem is
    /// an <see cref="InvalidDataException"/> (or <see cref="JsonException"/> for malformed JSON) naming the file and
    /// the field.</summary>
    public static GridPlan Load(string path, string? resultsRoot = null)
    {
        string file = Path.GetFullPath(path);
        if (!System.IO.File.Exists(file)) throw new FileNotFoundException($"Plan file not found: {file}", file);
        PlanFile plan;
        try
        {
            plan = JsonSerializer.Deserialize<PlanFile>(System.IO.File.ReadAllText(file), Json)
                   ?? throw new JsonException("the file holds null, not a plan object");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"{line + 1}" : e.Path ?? "";
            throw new JsonException($"{file}:{where}: {e.Message}", e.Path, e.LineNumber, e.BytePositionInLine, e);
        }
        return new Reader(file).Read(plan, resultsRoot);
    }

    /// <summary>Turns the file's records into points, checking each field as it goes.</summary>
    private sealed class Reader(string file)
    {
        private Exception Fail(string field, string problem, string? value = null) =>
            new InvalidDataException($"{file}: {field}: {problem}" + (value is null ? "" : $" (value: '{value}')"));

        public GridPlan Read(PlanFile plan, string? resultsRoot)
        {
            string name = plan.Name ?? Path.GetFileNameWithoutExtension(file);
            if (!SafeName.IsMatch(name)) throw Fail("name", "a plan name is letters, digits and . _ + = - (it names the grid's folder)", name);
            string root = Path.GetFullPath(resultsRoot ?? plan.Out ?? "results");
            var metrics = plan.Metrics ?? DefaultMetrics.ToArray();
            if (metrics.Length == 0) throw Fail("metrics", "at least one metric is needed");
            foreach (var metric in metrics)
                if (!MetricName.IsMatch(metric)) throw Fail("metrics", "a metric is recall@K or ndcg@K", metric);

            var blocks = (plan.Grids ?? Array.Empty<BlockFile>()).Select((b, i) => (Field: $"grids[{i}]", Block: b, Grid: true))
                .Concat((plan.Runs ?? Array.Empty<BlockFile>()).Select((b, i) => (Field: $"runs[{i}]", Block: b, Grid: false))).ToArray();
            if (blocks.Length == 0) throw Fail("grids", "the plan has no grids and no runs: nothing to do");

            var stages = new Dictionary<string, int>();
            var points = new List<GridPoint>();
            foreach (var (field, block, grid) in blocks)
            {
                int stage = 0;
                foreach (var after in block.After ?? Array.Empty<string>())
                    stage = Math.Max(stage, 1 + (stages.TryGetValue(after, out int s) ? s
                        : throw Fail($"{field}.after", $"no earlier block has this id (earlier ids: {Join(stages.Keys)})", after)));
                if (block.Id is { } id)
                {
                    if (!SafeName.IsMatch(id)) throw Fail($"{field}.id", "an id is letters, digits and . _ + = -", id);
                    if (!stages.TryAdd(id, stage)) throw Fail($"{field}.id", "another block has this id", id);
                }
                if (!grid && block.Axes is not null) throw Fail($"{field}.axes", "an explicit run has no axes; put it under grids");
                points.AddRange(Expand(field, block, stage, root, points.Count));
            }

            var byName = new Dictionary<string, GridPoint>(StringComparer.Ordinal);
            var byLabels = new Dictionary<string, GridPoint>(StringComparer.Ordinal);
            foreach (var point in points)
            {
                if (!byName.TryAdd(point.Name, point))
                    throw Fail(point.Field, $"two points have the same name (the other is in {byName[point.Name].Field}); add the axis that tells them apart to the name", point.Name);
                if (point.Name == $"grid-{name}") throw Fail(point.Field, "this name is the grid's own folder", point.Name);
                string labels = LabelKey(Canonical(point.Labels));
                if (!byLabels.TryAdd(labels, point))
                    throw Fail(point.Field, $"points '{byLabels[labels].Name}' and '{point.Name}' have the same labels ({labels}); add an axis or a label that tells them apart", point.Name);
            }

            string seedAxis = plan.SeedAxis ?? "seed";
            var labelKeys = points.SelectMany(p => p.Labels.Keys).Append(RoundLabel).ToHashSet(StringComparer.Ordinal);
            if (plan.SeedAxis is not null && !labelKeys.Contains(seedAxis))
                throw Fail("seed_axis", $"unknown axis (labels: {Join(labelKeys)})", seedAxis);
            var baseline = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in plan.Baseline ?? new())
            {
                if (!labelKeys.Contains(key)) throw Fail($"baseline.{key}", $"unknown axis (labels: {Join(labelKeys)})", key);
                if (key == seedAxis) throw Fail($"baseline.{key}", "the baseline is compared seed by seed; it cannot name a seed", key);
                baseline[key] = Value($"baseline.{key}", value);
            }
            return new GridPlan(file, name, plan.Description, root, seedAxis, baseline, metrics, points);
        }

        private IEnumerable<GridPoint> Expand(string field, BlockFile block, int stage, string root, int firstIndex)
        {
            if (string.IsNullOrWhiteSpace(block.Run)) throw Fail($"{field}.run", "every block needs the command its points run");
            var axes = (block.Axes ?? new()).Select(a => (a.Key, Values: a.Value.Select((v, i) => Value($"{field}.axes.{a.Key}[{i}]", v)).ToArray())).ToArray();
            foreach (var (axis, values) in axes)
            {
                CheckLabel($"{field}.axes", axis);
                if (values.Length == 0) throw Fail($"{field}.axes.{axis}", "an axis needs at least one value");
                if (values.Distinct().Count() != values.Length) throw Fail($"{field}.axes.{axis}", "the values repeat", string.Join(", ", values));
            }
            var fixedLabels = (block.Labels ?? new()).ToDictionary(l => l.Key, l => Value($"{field}.labels.{l.Key}", l.Value), StringComparer.Ordinal);
            foreach (var key in fixedLabels.Keys)
            {
                CheckLabel($"{field}.labels", key);
                if (axes.Any(a => a.Key == key)) throw Fail($"{field}.labels.{key}", "a label cannot also be an axis", key);
            }

            var tokens = block.Run.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens[0] == "rsir") tokens = tokens[1..];
            if (tokens.Length == 0 || !Commands.Contains(tokens[0]))
                throw Fail($"{field}.run", $"unknown command (a point runs one of: {Join(Commands)})", tokens.FirstOrDefault() ?? block.Run);
            foreach (var token in tokens)
                if (token.Split('=')[0] is "--name" or "--out" or "--json")
                    throw Fail($"{field}.run", $"the grid sets {token.Split('=')[0]} itself (the point's name and the plan's results root)", token);
            string nameTemplate = block.Name ?? string.Join('-', new[] { block.Id ?? tokens[0] }.Concat(axes.Select(a => $"{{{a.Key}}}")));
            var known = axes.Select(a => a.Key).ToArray();
            CheckPlaceholders($"{field}.run", block.Run, known, allowOut: true);
            CheckPlaceholders($"{field}.name", nameTemplate, known, allowOut: false);

            int index = firstIndex;
            foreach (var values in Product(axes.Select(a => a.Values).ToArray()))
            {
                var assignment = known.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
                string Fill(string text) => Placeholder.Replace(text, m => m.Groups[1].Value == "out" ? root : assignment[m.Groups[1].Value]);
                string name = Fill(nameTemplate);
                if (!SafeName.IsMatch(name))
                    throw Fail($"{field}.name", "a point's name is letters, digits and . _ + = - (it names its results folder)", name);
                var arguments = tokens.Select(Fill).Concat(new[] { "--name", name, "--out", root }).ToArray();
                var labels = new Dictionary<string, string>(assignment, StringComparer.Ordinal);
                foreach (var (key, value) in fixedLabels) labels[key] = value;
                yield return new GridPoint(index++, name, field, block.Id, labels, arguments, stage, RoundsOf(field, arguments), Path.Combine(root, name));
            }
        }

        private int? RoundsOf(string field, string[] arguments)
        {
            if (arguments[0] != "loop") return null;
            int at = Array.IndexOf(arguments, "--rounds");
            if (at < 0) return new RsirLoopOptions().Rounds;
            string? value = at + 1 < arguments.Length ? arguments[at + 1] : null;
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int rounds) ? rounds
                : throw Fail($"{field}.run", "--rounds needs a whole number ≥ 0", value ?? "");
        }

        private void CheckLabel(string field, string key)
        {
            if (key == RoundLabel) throw Fail(field, $"'{RoundLabel}' is the label of a loop's rounds; choose another name", key);
            if (key == "out") throw Fail(field, "'{out}' is the results root; choose another name", key);
            if (!SafeName.IsMatch(key)) throw Fail(field, "an axis or label name is letters, digits and . _ + = -", key);
        }

        private void CheckPlaceholders(string field, string text, string[] axes, bool allowOut)
        {
            foreach (Match m in Placeholder.Matches(text))
            {
                string key = m.Groups[1].Value;
                if (axes.Contains(key) || (allowOut && key == "out")) continue;
                throw Fail(field, $"unknown axis '{{{key}}}' (axes of this block: {Join(axes)}{(allowOut ? "; built in: {out}" : "")})", text);
            }
        }

        private string Value(string field, JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String when value.GetString()!.Length > 0 => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw Fail(field, "a value is a non-empty string, a number or true/false", value.GetRawText()),
        };
    }

    private static IEnumerable<string[]> Product(string[][] axes)
    {
        IEnumerable<string[]> result = new[] { Array.Empty<string>() };
        foreach (var values in axes)
        {
            var current = result;
            result = current.SelectMany(prefix => values.Select(v => prefix.Append(v).ToArray()));
        }
        return result;
    }

    private static string Join(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";

    /// <summary>Labels sorted by name: two label sets are the same when their canonical keys are.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Canonical(IEnumerable<KeyValuePair<string, string>> labels) =>
        labels.OrderBy(l => l.Key, StringComparer.Ordinal);

    /// <summary>"dataset=beauty, seed=2023": labels in their order, for messages and group names.</summary>
    public static string LabelKey(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>One run of a plan: its name (= its results folder under the root), labels (axis values and fixed labels),
/// the full <c>rsir</c> argument list, its stage (0, or later for blocks that wait for others) and, for a loop, the rounds
/// it must finish.</summary>
public sealed record GridPoint(int Index, string Name, string Field, string? Block, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Arguments, int Stage, int? Rounds, string Folder)
{
    public string Command => Arguments[0];
    public string CommandLine => "rsir " + string.Join(' ', Arguments);

    /// <summary>What the point's results folder says: finished, started, or absent.</summary>
    public GridFolderState Inspect()
    {
        if (Rounds is int rounds)
        {
            if (!Directory.Exists(Folder)) return new(GridFolder.Absent, "not started");
            int finished = LoopFolder.FinishedRoundCount(Folder);
            return finished > rounds ? new(GridFolder.Finished, $"rounds 0..{rounds} finished")
                : new(GridFolder.Unfinished, finished == 0 ? "started, no round finished yet (resumes)" : $"rounds 0..{finished - 1} of 0..{rounds} finished (resumes)");
        }
        if (Directory.Exists(Folder)) return new(GridFolder.Finished, "finished");
        return Directory.Exists(Folder + ".partial") ? new(GridFolder.Unfinished, $"unfinished (rsir {Command} starts it again)")
            : new(GridFolder.Absent, "not started");
    }
}

public enum GridFolder { Absent, Unfinished, Finished }

public sealed record GridFolderState(GridFolder State, string Detail);
