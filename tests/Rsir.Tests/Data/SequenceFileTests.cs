using Rsir.Data;

namespace Rsir.Tests.Data;

public class SequenceFileTests
{
    const string Name = "seqs.txt";

    static SequenceFile.Contents Parse(string text) => SequenceFile.Parse(new StringReader(text), Name);

    static void AssertRejected(string text, int line, string value, string problem)
    {
        var error = Assert.Throws<DataFormatException>(() => Parse(text));
        Assert.Equal(Name, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(value, error.Value);
        Assert.Contains($"{Name}:{line}:", error.Message);
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Reads_users_and_items_in_order()
    {
        var contents = Parse("1 3 1 2\n2 4 5 6 7\n");
        Assert.Equal(new[] { 3, 1, 2 }, contents.Sequences[1]);
        Assert.Equal(new[] { 4, 5, 6, 7 }, contents.Sequences[2]);
        Assert.Equal(7, contents.ItemCount);
        Assert.Equal(2, contents.Lines);
    }

    [Fact]
    public void Accepts_windows_line_endings_and_trailing_spaces()
    {
        var contents = Parse("1 3 1 2  \r\n2 4 5\t\r\n");
        Assert.Equal(new[] { 3, 1, 2 }, contents.Sequences[1]);
        Assert.Equal(new[] { 4, 5 }, contents.Sequences[2]);
    }

    [Fact]
    public void Rejects_a_token_that_is_not_an_integer() => AssertRejected("1 2 3\n2 4 x5 6\n", 2, "x5", "not an integer");

    [Fact]
    public void Rejects_a_decimal_item_id() => AssertRejected("1 2 3.0\n", 1, "3.0", "not an integer");

    [Fact]
    public void Rejects_item_id_zero_reserved_for_padding() => AssertRejected("1 2 3\n2 4 0 6\n", 2, "0", "must be ≥ 1");

    [Fact]
    public void Rejects_a_negative_user_id() => AssertRejected("-1 2 3\n", 1, "-1", "must be ≥ 1");

    [Fact]
    public void Rejects_a_duplicate_user() => AssertRejected("1 2 3\n2 4 5\n1 6 7\n", 3, "1", "more than one line");

    [Fact]
    public void Rejects_a_user_without_items() => AssertRejected("1 2 3\n2\n", 2, "2", "has no items");

    [Fact]
    public void Rejects_an_id_above_the_maximum() =>
        AssertRejected("1 2 3\n2 4 99999999999\n", 2, "99999999999", "exceeds the supported maximum");

    [Fact]
    public void Rejects_an_id_too_large_for_64_bits_as_too_large_not_as_garbage() =>
        AssertRejected("1 123456789012345678901234567890\n", 1, "123456789012345678901234567890", "exceeds the supported maximum");

    [Fact]
    public void Rejects_a_blank_line_naming_its_line()
    {
        var error = Assert.Throws<DataFormatException>(() => Parse("1 2 3\n\n2 4 5\n"));
        Assert.Equal(2, error.Line);
        Assert.Contains($"{Name}:2:", error.Message);
        Assert.Contains("blank line", error.Message);
    }

    [Fact]
    public void Rejects_an_empty_file_naming_it()
    {
        var error = Assert.Throws<DataFormatException>(() => Parse(""));
        Assert.Equal(Name, error.File);
        Assert.StartsWith($"{Name}:", error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Read_names_the_real_path_and_write_round_trips()
    {
        using var temp = new TempDirectory();
        string path = temp.File("out.txt");
        SequenceFile.Write(path, new (int, IReadOnlyList<int>)[] { (1, new[] { 5, 6, 7 }), (2, new[] { 7, 8 }) });
        var contents = SequenceFile.Read(path);
        Assert.Equal(new[] { 5, 6, 7 }, contents.Sequences[1]);
        Assert.Equal(new[] { 7, 8 }, contents.Sequences[2]);

        string bad = temp.Write("bad.txt", "1 2 3\n2 4 z\n");
        var error = Assert.Throws<DataFormatException>(() => SequenceFile.Read(bad));
        Assert.Contains($"{bad}:2:", error.Message);
        Assert.Contains("'z'", error.Message);
    }
}
