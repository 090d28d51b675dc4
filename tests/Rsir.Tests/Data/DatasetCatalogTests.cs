using Rsir.Data;

namespace Rsir.Tests.Data;

public class DatasetCatalogTests
{
    const string BeautyMd5 = "cb03635343187f36526ed4ba48102b53";

    static string RepositoryData() =>
        DatasetCatalog.FindRepositoryDataDirectory(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Tests must run inside the repository, which ships data/Beauty.txt.");

    [Fact]
    public void Finds_the_repository_data_folder_by_walking_up_from_the_test_binaries()
    {
        string data = RepositoryData();
        Assert.Equal("data", Path.GetFileName(data));
        Assert.True(File.Exists(Path.Combine(data, "..", "global.json")));
        using var temp = new TempDirectory();
        Assert.Null(DatasetCatalog.FindRepositoryDataDirectory(temp.Path));
    }

    [Fact]
    public void Shipped_names_and_aliases_resolve_to_their_files_with_the_reference_md5()
    {
        var catalog = new DatasetCatalog();
        foreach (var (name, file) in new[] { ("beauty", "Beauty.txt"), ("Sports_and_Outdoors", "Sports_and_Outdoors.txt"), ("TOYS", "Toys_and_Games.txt") })
        {
            var origin = catalog.Resolve(name);
            Assert.Equal(file, Path.GetFileName(origin.Path));
            Assert.True(origin.Shipped);
            Assert.True(origin.MatchesReference);
            Assert.Contains("McAuley", origin.Citation);
            Assert.Contains("S3-Rec", origin.Citation);
        }
    }

    [Fact]
    public void Limit_users_loads_the_first_users_with_their_items()
    {
        var loaded = new DatasetCatalog().Load("beauty", new DatasetLoadOptions(LimitUsers: 30));
        Assert.Equal(30, loaded.Dataset.UserCount);
        Assert.Equal(Enumerable.Range(1, 30), loaded.Contents.Sequences.Keys.Order());
        // Items are numbered by first appearance over users 1..N, so a prefix of users uses exactly items 1..max.
        var distinct = loaded.Contents.Sequences.Values.SelectMany(s => s).Distinct().Count();
        Assert.Equal(distinct, loaded.Dataset.ItemCount);
        Assert.Equal(30, loaded.Origin.LimitUsers);
        Assert.Equal(BeautyMd5, loaded.Origin.Md5);
        Assert.Equal("beauty", loaded.Dataset.Name);
    }

    [Fact]
    public void An_intact_copy_loads_and_a_tampered_copy_fails_its_md5()
    {
        using var temp = new TempDirectory();
        string original = Path.Combine(RepositoryData(), "Beauty.txt");
        string copy = temp.File("Beauty.txt");
        File.Copy(original, copy);
        var catalog = new DatasetCatalog(shippedDataDirectory: temp.Path);
        Assert.Equal(BeautyMd5, catalog.Resolve("beauty").Md5);

        // Still a valid sequence file, one item id changed on the first line.
        var lines = File.ReadAllLines(copy);
        var first = lines[0].Split(' ');
        first[1] = first[1] == "1" ? "2" : "1";
        lines[0] = string.Join(' ', first);
        File.WriteAllLines(copy, lines);

        var error = Assert.Throws<DatasetChecksumException>(() => catalog.Load("beauty", new DatasetLoadOptions(LimitUsers: 5)));
        Assert.Equal(BeautyMd5, error.ExpectedMd5);
        Assert.Equal(DatasetCatalog.Md5Of(copy), error.ActualMd5);
        Assert.Contains(copy, error.Message);
        Assert.Contains(BeautyMd5, error.Message);
        Assert.Contains("beauty", error.Message);
    }

    [Fact]
    public void Writing_the_shipped_sequences_back_reproduces_the_shipped_bytes()
    {
        var contents = SequenceFile.Read(Path.Combine(RepositoryData(), "Toys_and_Games.txt"));
        using var temp = new TempDirectory();
        string copy = temp.File("Toys.txt");
        SequenceFile.Write(copy, contents.Sequences.OrderBy(p => p.Key).Select(p => (p.Key, (IReadOnlyList<int>)p.Value)));
        Assert.Equal("b139ecacfc81d0fb642bc2f448f13843", DatasetCatalog.Md5Of(copy));
    }

    [Fact]
    public void Missing_shipped_folder_says_how_to_provide_it()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => new DatasetCatalog(shippedDataDirectory: temp.Path).Load("toys"));
        Assert.Contains("Toys_and_Games.txt", error.Message);
    }

    [Theory]
    [InlineData("yelp", "Yelp.txt")]
    [InlineData("ml-1m", "ml-1m.txt")]
    [InlineData("my-own-data", "my-own-data.txt")]
    public void Unshipped_datasets_need_a_path_and_the_error_says_how(string name, string fileName)
    {
        var error = Assert.Throws<FileNotFoundException>(() => new DatasetCatalog(externalDataDirectory: null).Load(name));
        Assert.Contains(name, error.Message);
        Assert.Contains(fileName, error.Message);
        Assert.Contains(DatasetCatalog.ExternalDataVariable, error.Message);

        using var temp = new TempDirectory();
        var missing = Assert.Throws<FileNotFoundException>(() => new DatasetCatalog(externalDataDirectory: temp.Path).Load(name));
        Assert.Contains(temp.Path, missing.Message);
    }

    [Fact]
    public void Yelp_loads_from_the_external_folder_and_records_that_it_differs_from_the_reference()
    {
        using var temp = new TempDirectory();
        temp.Write("Yelp.txt", "1 1 2 3 4\n2 2 3 4 5 1\n");
        var loaded = new DatasetCatalog(externalDataDirectory: temp.Path).Load("yelp");
        Assert.Equal("yelp", loaded.Origin.Name);
        Assert.False(loaded.Origin.Shipped);
        Assert.Equal("da7989002c123e7680afaaa5141fb85b", loaded.Origin.ExpectedMd5);
        Assert.False(loaded.Origin.MatchesReference);
        Assert.Contains("Yelp", loaded.Origin.Citation);
        Assert.Equal(2, loaded.Dataset.UserCount);
        Assert.Equal(5, loaded.Dataset.ItemCount);
    }

    [Fact]
    public void An_explicit_path_serves_a_named_dataset()
    {
        using var temp = new TempDirectory();
        string file = temp.Write("movies.txt", "1 1 2 3 4 5\n");
        var loaded = new DatasetCatalog().Load("ml-1m", new DatasetLoadOptions(MaxLength: 200, Path: file));
        Assert.Equal("ml-1m", loaded.Dataset.Name);
        Assert.Equal(Path.GetFullPath(file), loaded.Origin.Path);
        Assert.Equal(200, loaded.Dataset.Summary.MaxLength);
        Assert.Contains("MovieLens", loaded.Origin.Citation);
    }

    [Fact]
    public void Any_sequence_file_loads_by_path_and_known_files_are_recognised_by_md5()
    {
        using var temp = new TempDirectory();
        string mine = temp.Write("my_sequences.txt", "1 1 2 3 4\n2 4 3 2 1\n");
        var loaded = new DatasetCatalog().Load(mine);
        Assert.Equal("my_sequences", loaded.Origin.Name);
        Assert.Null(loaded.Origin.ExpectedMd5);
        Assert.Contains("User-provided", loaded.Origin.Citation);

        string renamedBeauty = temp.File("b.txt");
        File.Copy(Path.Combine(RepositoryData(), "Beauty.txt"), renamedBeauty);
        var recognised = new DatasetCatalog().Resolve(renamedBeauty);
        Assert.Equal("beauty", recognised.Name);
        Assert.True(recognised.MatchesReference);
    }

    [Fact]
    public void A_missing_path_is_reported_with_its_full_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new DatasetCatalog().Load("no/such/file.txt"));
        Assert.Contains(Path.GetFullPath("no/such/file.txt"), error.Message);
    }

    [Fact]
    public void A_bad_file_reports_file_line_and_value_through_the_catalog()
    {
        using var temp = new TempDirectory();
        string bad = temp.Write("bad.txt", "1 1 2 3 4\n2 4 three 2 1\n");
        var error = Assert.Throws<DataFormatException>(() => new DatasetCatalog().Load(bad));
        Assert.Contains($"{bad}:2:", error.Message);
        Assert.Contains("'three'", error.Message);
    }

    [Theory]
    [InlineData(3, null, "MaxLength")]
    [InlineData(50, 0, "LimitUsers")]
    public void Load_options_are_validated_by_name(int maxLength, int? limitUsers, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new DatasetCatalog().Load("beauty", new DatasetLoadOptions(maxLength, limitUsers)));
        Assert.Contains(setting, error.Message);
    }
}
