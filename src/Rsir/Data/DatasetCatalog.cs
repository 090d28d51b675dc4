using System.Security.Cryptography;

namespace Rsir.Data;

/// <summary>A benchmark file the catalog knows by name, with the md5 of the reference file (see data/README.md).
/// <c>Shipped</c> files are in the repository's <c>data/</c> folder; the others have terms that forbid redistribution
/// and must be provided by the user.</summary>
public sealed record KnownDataset(string Name, string FileName, string Md5, bool Shipped, string Citation,
    IReadOnlyList<string> Aliases);

/// <summary>Where a loaded dataset came from, for results folders and papers. <c>ExpectedMd5</c> is the reference md5
/// of a known dataset (else null); <c>LimitUsers</c> is set when only the first users were loaded (a quick slice,
/// not the benchmark).</summary>
public sealed record DatasetOrigin(string Name, string Path, string Md5, string? ExpectedMd5, bool Shipped,
    string Citation, int? LimitUsers)
{
    /// <summary>True when the file is byte-identical to the reference file of a known dataset.</summary>
    public bool MatchesReference => ExpectedMd5 != null && string.Equals(Md5, ExpectedMd5, StringComparison.OrdinalIgnoreCase);
}

/// <summary>How to turn a sequence file into a split <see cref="Dataset"/>.</summary>
/// <param name="MaxLength">Each user keeps only the last MaxLength items before the leave-one-out split
/// (paper: 50; SASRec and HSTU use 200 on ML-1M).</param>
/// <param name="LimitUsers">Load only users 1..LimitUsers (in user-id order): a quick slice for tests and notebooks.</param>
/// <param name="Path">The file to load for a named dataset that is not shipped (or to override a shipped one).</param>
public sealed record DatasetLoadOptions(int MaxLength = 50, int? LimitUsers = null, string? Path = null)
{
    public const int MaximumMaxLength = 100_000;

    public DatasetLoadOptions Validate()
    {
        if (MaxLength < LeaveOneOut.MinimumLength || MaxLength > MaximumMaxLength)
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength,
                $"{nameof(MaxLength)} (items kept per user) must be in {LeaveOneOut.MinimumLength}..{MaximumMaxLength}; got {MaxLength}.");
        if (LimitUsers is < 1)
            throw new ArgumentOutOfRangeException(nameof(LimitUsers), LimitUsers,
                $"{nameof(LimitUsers)} (load only the first N users) must be at least 1 when set; got {LimitUsers}.");
        if (Path is { Length: 0 })
            throw new ArgumentException($"{nameof(Path)} must not be empty when set.", nameof(Path));
        return this;
    }
}

/// <summary>A split dataset, the full (untruncated) sequences it was made from, and where they came from.</summary>
public sealed record LoadedDataset(Dataset Dataset, SequenceFile.Contents Contents, DatasetOrigin Origin);

/// <summary>The md5 of a file differs from the reference md5 of the dataset it claims to be.</summary>
public sealed class DatasetChecksumException : Exception
{
    public string Path { get; }
    public string ExpectedMd5 { get; }
    public string ActualMd5 { get; }

    public DatasetChecksumException(string dataset, string path, string expectedMd5, string actualMd5)
        : base($"Dataset '{dataset}': {path} has md5 {actualMd5}, but the reference file has md5 {expectedMd5}. " +
               "The file was changed or damaged; restore it (e.g. `git checkout -- data/`) or load your own file by its path.")
    {
        Path = path; ExpectedMd5 = expectedMd5; ActualMd5 = actualMd5;
    }
}

/// <summary>
/// Loads a dataset by name (<c>beauty</c>, <c>sports</c>, <c>toys</c> from the repository's data/ folder, md5-checked;
/// <c>yelp</c>, <c>ml-1m</c> and other names from a path the user provides) or by the path of any sequence file.
/// </summary>
public sealed class DatasetCatalog
{
    /// <summary>Folder holding the shipped files; overrides the search for the repository's data/ folder.</summary>
    public const string ShippedDataVariable = "RSIR_DATA";
    /// <summary>Folder holding data that is never shipped (Yelp.txt, ml-1m.txt, …), one <c>&lt;name&gt;.txt</c> per dataset.</summary>
    public const string ExternalDataVariable = "RSIR_DATA_DIR";

    const string AmazonCitation =
        "Amazon review data (2014): J. McAuley, C. Targett, Q. Shi, A. van den Hengel, \"Image-based recommendations on " +
        "styles and substitutes\", SIGIR 2015; R. He, J. McAuley, \"Ups and downs: Modeling the visual evolution of " +
        "fashion trends with one-class collaborative filtering\", WWW 2016. Sequence file as released by S3-Rec " +
        "(K. Zhou et al., \"S3-Rec: Self-supervised learning for sequential recommendation with mutual information " +
        "maximization\", CIKM 2020) and ICLRec (Y. Chen et al., \"Intent contrastive learning for sequential " +
        "recommendation\", WWW 2022). Research use only.";
    const string YelpCitation =
        "Yelp Open Dataset (https://www.yelp.com/dataset), 2019 reviews, 5-core, preprocessed as in S3-Rec (CIKM 2020). " +
        "Yelp Dataset Terms of Use: non-commercial research use, no redistribution.";
    const string MovieLensCitation =
        "MovieLens 1M: F. M. Harper, J. A. Konstan, \"The MovieLens datasets: History and context\", ACM TiiS 5(4), 2015. " +
        "GroupLens terms: research use, cite, no redistribution without permission.";
    const string UnknownCitation = "User-provided sequence file; cite its source.";

    public static IReadOnlyList<KnownDataset> Known { get; } = new KnownDataset[]
    {
        new("beauty", "Beauty.txt", "cb03635343187f36526ed4ba48102b53", true, AmazonCitation, new[] { "amazon-beauty" }),
        new("sports", "Sports_and_Outdoors.txt", "9691c051152edf528a56581da65b1ce3", true, AmazonCitation,
            new[] { "sports_and_outdoors", "amazon-sports" }),
        new("toys", "Toys_and_Games.txt", "b139ecacfc81d0fb642bc2f448f13843", true, AmazonCitation,
            new[] { "toys_and_games", "amazon-toys" }),
        new("yelp", "Yelp.txt", "da7989002c123e7680afaaa5141fb85b", false, YelpCitation, Array.Empty<string>()),
        new("ml-1m", "ml-1m.txt", "a32fac1bc317c60be05a11f3d7cc59c6", false, MovieLensCitation, new[] { "ml1m", "movielens-1m" }),
        new("ml-1m-3706", "ml-1m-3706.txt", "d554ace0a767ed5f77fa2506efb42536", false, MovieLensCitation, Array.Empty<string>()),
    };

    readonly string? shippedDataDirectory;
    readonly string? externalDataDirectory;
    readonly string chosenBy;

    /// <param name="shippedDataDirectory">Folder of the shipped files; when null, the repository's data/ folder is
    /// searched for upwards from the application's and the current directory.</param>
    /// <param name="externalDataDirectory">Folder of never-shipped files such as Yelp.txt.</param>
    public DatasetCatalog(string? shippedDataDirectory = null, string? externalDataDirectory = null)
        : this(shippedDataDirectory, externalDataDirectory, "given") { }

    DatasetCatalog(string? shippedDataDirectory, string? externalDataDirectory, string chosenBy)
    {
        this.shippedDataDirectory = shippedDataDirectory;
        this.externalDataDirectory = externalDataDirectory;
        this.chosenBy = chosenBy;
    }

    /// <summary>A catalog configured by <see cref="ShippedDataVariable"/> and <see cref="ExternalDataVariable"/>: the one
    /// place the workbench reads them. Front ends (the command line, <c>Workbench</c>) call it and hand the catalog on.</summary>
    public static DatasetCatalog FromEnvironment() => new(
        NullIfEmpty(Environment.GetEnvironmentVariable(ShippedDataVariable)),
        NullIfEmpty(Environment.GetEnvironmentVariable(ExternalDataVariable)), $"{ShippedDataVariable}, {ExternalDataVariable}");

    /// <summary>Where this catalog looks for files and what chose those folders, for a run's record (run.json).</summary>
    public string Folders =>
        $"shipped: {shippedDataDirectory ?? "the repository's data/ folder"}; other: {externalDataDirectory ?? "none"} ({chosenBy})";

    public static KnownDataset? Find(string name) => Known.FirstOrDefault(d =>
        string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(Path.GetFileNameWithoutExtension(d.FileName), name, StringComparison.OrdinalIgnoreCase) ||
        d.Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Reads, checks and splits a dataset. See <see cref="Resolve"/> for how names and paths are found.</summary>
    public LoadedDataset Load(string nameOrPath, DatasetLoadOptions? options = null)
    {
        options = (options ?? new DatasetLoadOptions()).Validate();
        var origin = Resolve(nameOrPath, options.Path) with { LimitUsers = options.LimitUsers };
        var contents = SequenceFile.Read(origin.Path);
        if (options.LimitUsers is int limit)
            contents = FirstUsers(contents, limit);
        var dataset = LeaveOneOut.Split(origin.Name, contents.Sequences, contents.ItemCount, options.MaxLength);
        return new LoadedDataset(dataset, contents, origin);
    }

    /// <summary>
    /// Finds the file of a dataset and checks its md5 (a shipped dataset whose file differs throws
    /// <see cref="DatasetChecksumException"/>; for others a difference is only recorded in the origin).
    /// </summary>
    /// <param name="nameOrPath">A known name or alias, a name with a <c>&lt;name&gt;.txt</c> in the external data
    /// folder, or the path of a sequence file.</param>
    /// <param name="path">An explicit file for the named dataset.</param>
    public DatasetOrigin Resolve(string nameOrPath, string? path = null)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
            throw new ArgumentException("A dataset name or path is required (e.g. 'beauty' or data/Beauty.txt).", nameof(nameOrPath));
        var known = Find(nameOrPath);

        if (path != null)
            return Describe(known?.Name ?? nameOrPath, RequireFile(path, nameOrPath), known);
        if (known is { Shipped: true })
            return Describe(known.Name, RequireFile(Path.Combine(ShippedDirectory(known), known.FileName), known.Name), known);
        if (known != null)
            return Describe(known.Name, ExternalFile(known.Name, known.FileName, known), known);
        if (LooksLikePath(nameOrPath))
        {
            string file = RequireFile(nameOrPath, nameOrPath);
            string md5 = Md5Of(file);
            var identified = Known.FirstOrDefault(d => d.Md5 == md5);
            return identified != null
                ? Describe(identified.Name, file, identified, md5)
                : new DatasetOrigin(Path.GetFileNameWithoutExtension(file), Path.GetFullPath(file), md5, null, false, UnknownCitation, null);
        }
        return Describe(nameOrPath, ExternalFile(nameOrPath, nameOrPath + ".txt", null), null);
    }

    DatasetOrigin Describe(string name, string file, KnownDataset? known, string? md5 = null)
    {
        md5 ??= Md5Of(file);
        if (known is { Shipped: true } && md5 != known.Md5)
            throw new DatasetChecksumException(known.Name, file, known.Md5, md5);
        return new DatasetOrigin(name, Path.GetFullPath(file), md5, known?.Md5, known?.Shipped ?? false,
            known?.Citation ?? UnknownCitation, null);
    }

    string ShippedDirectory(KnownDataset dataset)
    {
        var directory = shippedDataDirectory ?? FindRepositoryDataDirectory(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
        return directory ?? throw new DirectoryNotFoundException(
            $"Dataset '{dataset.Name}': the repository's data/ folder (holding {dataset.FileName}) was not found above " +
            $"{AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}. Run from inside the repository, set " +
            $"{ShippedDataVariable} to the folder holding {dataset.FileName}, or pass the file's path.");
    }

    string ExternalFile(string name, string fileName, KnownDataset? known)
    {
        string why = known != null
            ? $"Dataset '{name}' is not shipped with the workbench (its terms forbid redistribution)"
            : $"'{name}' is neither a known dataset ({string.Join(", ", Known.Select(d => d.Name))}) nor an existing file";
        string howTo = $"pass the path of its sequence file (e.g. --data /path/to/{fileName}) or set {ExternalDataVariable} " +
                       $"to a folder containing {fileName}";
        if (externalDataDirectory == null)
            throw new FileNotFoundException($"{why}; {howTo}.");
        if (!Directory.Exists(externalDataDirectory))
            throw new DirectoryNotFoundException($"{ExternalDataVariable} folder {externalDataDirectory} does not exist; {howTo}.");
        var match = Directory.EnumerateFiles(externalDataDirectory)
            .FirstOrDefault(f => string.Equals(Path.GetFileName(f), fileName, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new FileNotFoundException($"{why}, and {externalDataDirectory} has no {fileName}; {howTo}.",
            Path.Combine(externalDataDirectory, fileName));
    }

    static string RequireFile(string path, string dataset) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"Dataset '{dataset}': file {Path.GetFullPath(path)} does not exist.", path);

    static bool LooksLikePath(string s) =>
        File.Exists(s) || s.Contains(Path.DirectorySeparatorChar) || s.Contains(Path.AltDirectorySeparatorChar) ||
        Path.HasExtension(s);

    /// <summary>The first folder named data/ holding Beauty.txt in a folder with global.json, walking up from each
    /// start directory in turn; null when there is none.</summary>
    public static string? FindRepositoryDataDirectory(params string[] startDirectories)
    {
        foreach (var start in startDirectories)
        {
            for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
            {
                string data = Path.Combine(directory.FullName, "data");
                if (File.Exists(Path.Combine(data, "Beauty.txt")) && File.Exists(Path.Combine(directory.FullName, "global.json")))
                    return data;
            }
        }
        return null;
    }

    public static string Md5Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    /// <summary>Users 1..limit. Ids stay as they are; the item count becomes the largest id in the slice, which for
    /// files numbered by first appearance (all the benchmark files) is exactly the number of distinct items.</summary>
    static SequenceFile.Contents FirstUsers(SequenceFile.Contents contents, int limit)
    {
        var slice = contents.Sequences.OrderBy(p => p.Key).Take(limit).ToDictionary(p => p.Key, p => p.Value);
        return new SequenceFile.Contents(slice, slice.Values.Max(s => s.Max()), slice.Count);
    }

    static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
