using System.IO.Compression;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Tests.Data;

namespace Rsir.Tests.Experiments;

public class SyntheticRowsFileTests
{
    [Fact]
    public void A_gzipped_file_reads_as_the_plain_one_and_is_found_in_its_round_folder()
    {
        using var folder = new TempDirectory();
        var rows = new[]
        {
            new TrainingRow(101, new[] { 3, 9, 4 }, new RowOrigin(2, 7, "SasRec", "JudgeFailed")),
            new TrainingRow(102, new[] { 5, 1, 8, 2 }, new RowOrigin(2, 7, "SasRec", "AllRealItemsUsed")),
        };
        string plain = Path.Combine(folder.Path, SyntheticRowsFile.Name);
        SyntheticRowsFile.Write(plain, rows);
        Assert.Equal(plain, SyntheticRowsFile.Find(folder.Path));

        string packed = Path.Combine(folder.Path, SyntheticRowsFile.CompressedName);
        using (var input = File.OpenRead(plain))
        using (var output = new GZipStream(File.Create(packed), CompressionLevel.SmallestSize)) input.CopyTo(output);
        File.Delete(plain);
        Assert.Equal(packed, SyntheticRowsFile.Find(folder.Path));

        var read = SyntheticRowsFile.Read(packed, 2);
        Assert.Equal(rows.Select(r => (r.User, string.Join(' ', r.Items), r.Origin)), read.Select(r => (r.User, string.Join(' ', r.Items), r.Origin)));
    }

    [Fact]
    public void A_malformed_line_names_the_file_and_line()
    {
        using var folder = new TempDirectory();
        string path = folder.Write(SyntheticRowsFile.Name, "pseudo_user\tsource_user\tgenerator\tstop_reason\titems\n1\t2\tSasRec\tJudgeFailed\t4 x 5\n");
        var error = Assert.Throws<DataFormatException>(() => SyntheticRowsFile.Read(path, 1));
        Assert.Contains($"{path}:2:", error.Message);
    }
}
