using System.Text.Json;
using Rsir.Data;
using Rsir.Experiments;
using Rsir.Tests.Analysis;

namespace Rsir.Tests.Experiments;

public class DataFoldersTests
{
    [Fact]
    public void A_loop_finds_a_named_dataset_in_the_catalog_it_is_given_and_records_where_it_looked()
    {
        var folder = Directory.CreateTempSubdirectory("rsir-data-folders-").FullName;
        try
        {
            string data = Path.Combine(folder, "mine");
            Directory.CreateDirectory(data);
            File.Move(RsirLoopTests.WriteToyDataset(folder, users: 90, items: 40, seed: 5), Path.Combine(data, "toyset.txt"));
            var catalog = new DatasetCatalog(externalDataDirectory: data);
            string loop = Path.Combine(folder, "loop");

            new RsirLoop(TinyLoop.Options("toyset", rounds: 0), catalog).Run(loop);

            using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(loop, "run.json")));
            Assert.Equal(catalog.Folders, run.RootElement.GetProperty("data_folders").GetString());
            Assert.Contains(data, catalog.Folders);
            Assert.EndsWith("(given)", catalog.Folders);
            Assert.Equal(Path.Combine(data, "toyset.txt"), LoopFolder.Open(loop).LoadInitialData(catalog).Origin.Path);
            // A catalog without that folder cannot find it: the loop read the catalog it was given.
            Assert.Throws<FileNotFoundException>(() => new RsirLoop(TinyLoop.Options("toyset", rounds: 0), new DatasetCatalog()).Run());
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
