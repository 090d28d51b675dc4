using Rsir.Data;

namespace Rsir.Tests.Data;

public class AmazonRatingsImporterTests
{
    // Core users A..E rate items p..t. U (4 rows) fails the user core in pass 1, which leaves item y with 4 rows,
    // so y goes in pass 1 too; that leaves V with 4 rows, so V goes in pass 2. Pass 3 removes nothing.
    // Same-timestamp rows: A's q and p (both 200), B's t and s (both 90), all of E's (1) — kept in file order.
    const string Ratings = """
        U,y,5,100
        V,y,4,100
        C,t,3.5,300
        A,q,5,200
        A,p,4,200
        E,t,5,1
        B,p,5,50
        A,y,1,150
        U,p,2,100
        V,p,5,110
        C,y,5,100
        B,y,4,60
        D,s,2,5
        A,r,3,100
        E,s,4,1
        B,q,5,70
        U,q,1,101
        V,q,3,111
        C,p,4,10
        D,t,5,4
        A,s,5,300
        E,r,5,1
        B,r,4,80
        U,r,2,102
        V,s,4,112
        C,q,5,20
        D,p,1,3
        A,t,4,250
        E,q,3,1
        B,t,5,90
        B,s,5,90
        V,t,2,113
        C,r,4,30
        D,q,5,2
        E,p,5,1
        C,s,3,40
        D,r,4,1
        """;

    static RatingsImport Parse(string text, RatingsImportOptions? options = null) =>
        AmazonRatingsImporter.Parse(new StringReader(text), "ratings.csv", options);

    [Fact]
    public void Known_answer_with_a_two_pass_core_and_timestamp_ties()
    {
        var result = Parse(Ratings);

        // Users by first appearance among kept rows: C (line 3), A, E, B, D. Items by first appearance scanning
        // those users' time-sorted sequences: C gives p=1 q=2 r=3 s=4 t=5.
        Assert.Equal(new[] { "C", "A", "E", "B", "D" }, result.RawUserIds);
        Assert.Equal(new[] { "p", "q", "r", "s", "t" }, result.RawItemIds);
        Assert.Equal(5, result.ItemCount);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, result.Sequences[1]); // C: p10 q20 r30 s40 t300
        Assert.Equal(new[] { 3, 2, 1, 5, 4 }, result.Sequences[2]); // A: r100 q200 p200 t250 s300
        Assert.Equal(new[] { 5, 4, 3, 2, 1 }, result.Sequences[3]); // E: all at 1, file order t s r q p
        Assert.Equal(new[] { 1, 2, 3, 5, 4 }, result.Sequences[4]); // B: p50 q70 r80 t90 s90
        Assert.Equal(new[] { 3, 2, 1, 5, 4 }, result.Sequences[5]); // D: r1 q2 p3 t4 s5
        Assert.Equal(5, result.Sequences.Count);

        Assert.Equal(new RatingsImportSummary(RowsRead: 37, UsersBefore: 7, ItemsBefore: 6,
            RowsKept: 25, UsersAfter: 5, ItemsAfter: 5, CorePasses: 2, UserCore: 5, ItemCore: 5), result.Summary);
    }

    [Fact]
    public void A_lower_core_keeps_the_users_the_five_core_drops()
    {
        var result = Parse(Ratings, new RatingsImportOptions(UserCore: 4, ItemCore: 4));
        Assert.Equal(new[] { "U", "V", "C", "A", "E", "B", "D" }, result.RawUserIds);
        Assert.Equal("y", result.RawItemIds[0]);
        Assert.Equal(37, result.Summary.RowsKept);
        Assert.Equal(0, result.Summary.CorePasses);
    }

    [Fact]
    public void Import_writes_the_sequence_file_that_reads_back_identically()
    {
        using var temp = new TempDirectory();
        string csv = temp.Write("ratings.csv", Ratings.Replace("\n", "\r\n") + "\r\n");
        string output = temp.File("out/Toy.txt");

        var result = AmazonRatingsImporter.Import(csv, output);

        var written = SequenceFile.Read(output);
        Assert.Equal(result.ItemCount, written.ItemCount);
        Assert.Equal(result.Sequences.Keys.Order(), written.Sequences.Keys.Order());
        foreach (var (user, items) in result.Sequences)
            Assert.Equal(items, written.Sequences[user]);
        Assert.Equal("1 1 2 3 4 5", File.ReadLines(output).First());
    }

    [Theory]
    [InlineData("A,p,5\n", 1, "A,p,5", "expected 4 comma-separated columns")]
    [InlineData("A,p,5,1\nA,q,5,1,extra\n", 2, "A,q,5,1,extra", "found 5")]
    [InlineData("A,p,5,1\nA,q,five,1\n", 2, "five", "rating (column 3) is not a number")]
    [InlineData("user,item,rating,timestamp\n", 1, "rating", "must not have a header")]
    [InlineData("A,p,5,1\nA,q,4,\n", 2, "A,q,4,", "timestamp (column 4) is missing")]
    [InlineData("A,p,5,1\nA,q,4,12.5\n", 2, "12.5", "not an integer unix time")]
    [InlineData("A,p,5,1\nA,q,4,2020-01-01\n", 2, "2020-01-01", "not an integer unix time")]
    [InlineData("A,p,5,1\n,q,4,2\n", 2, ",q,4,2", "user id (column 1) is empty")]
    [InlineData("A,p,5,1\n\nA,q,4,2\n", 2, "", "blank line")]
    public void Bad_rows_name_file_line_and_value(string text, int line, string value, string problem)
    {
        var error = Assert.Throws<DataFormatException>(() => Parse(text));
        Assert.Equal("ratings.csv", error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(value, error.Value);
        Assert.Contains($"ratings.csv:{line}:", error.Message);
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Empty_file_is_rejected_by_name()
    {
        var error = Assert.Throws<DataFormatException>(() => Parse(""));
        Assert.StartsWith("ratings.csv:", error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Nothing_is_written_when_the_input_is_bad()
    {
        using var temp = new TempDirectory();
        string csv = temp.Write("ratings.csv", Ratings + "\nA,z,4,notatime\n");
        string output = temp.File("Toy.txt");

        var error = Assert.Throws<DataFormatException>(() => AmazonRatingsImporter.Import(csv, output));
        Assert.Contains($"{csv}:38:", error.Message);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path)); // no temporary file left either
    }

    [Fact]
    public void Nothing_surviving_the_core_is_an_error_not_an_empty_file()
    {
        using var temp = new TempDirectory();
        string csv = temp.Write("ratings.csv", "A,p,5,1\nA,q,5,2\nB,p,5,3\n");
        string output = temp.File("Toy.txt");
        var error = Assert.Throws<InvalidDataException>(() => AmazonRatingsImporter.Import(csv, output));
        Assert.Contains("no user survives the 5/5-core", error.Message);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData(0, 5, "UserCore")]
    [InlineData(5, -1, "ItemCore")]
    public void Core_thresholds_are_validated_by_name(int userCore, int itemCore, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Parse(Ratings, new RatingsImportOptions(userCore, itemCore)));
        Assert.Contains(setting, error.Message);
        Assert.Contains("1..", error.Message);
    }
}
