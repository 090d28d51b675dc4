using Microsoft.Data.Analysis;
using Rsir.Interactive;
using Rsir.Tests.Analysis;

namespace Rsir.Tests.Interactive;

public sealed class TablesTests : IClassFixture<TinyLoopFixture>
{
    private readonly TinyLoopFixture loop;
    public TablesTests(TinyLoopFixture loop) => this.loop = loop;

    [Fact]
    public void Round_statistics_of_loops_have_one_row_per_generation_round_of_each_loop()
    {
        var generated = loop.Result.Rounds.Where(r => r.Generation is not null).ToArray();
        Assert.NotEmpty(generated);
        Assert.Null(loop.Result.Rounds[0].Generation);

        var frame = Tables.RoundStatistics(("judged", loop.Result), ("again", loop.Result));

        var names = ((StringDataFrameColumn)frame.Columns["run"]).ToArray();
        Assert.Equal(generated.Select(r => $"judged, round {r.Round}").Concat(generated.Select(r => $"again, round {r.Round}")), names);
        var seedRows = ((Int32DataFrameColumn)frame.Columns["seed_rows"]).Select(v => v!.Value).ToArray();
        Assert.Equal(generated.Concat(generated).Select(r => r.Generation!.SeedRows), seedRows);
    }
}
