using Microsoft.Data.Analysis;
using Rsir.Data;
using Rsir.Evaluation;
using Rsir.Models;

namespace Rsir.Interactive;

/// <summary>Top-k recommendations as notebook tables (the ranking itself is <see cref="TopKRecommendations"/>).</summary>
public static class Recommend
{
    /// <summary>
    /// The top-k for one evaluation query (e.g. <c>dataset.Test.First(r =&gt; r.User == 7)</c>) as a table; the
    /// held-out target is marked when it makes the list.
    /// </summary>
    public static DataFrame ForQuery(SequentialRecommender model, EvaluationRow query, int k = 10)
    {
        var top = TopKRecommendations.For(model, query.History, k);
        return new DataFrame(
            new Int32DataFrameColumn("rank", top.Select(r => r.Rank)),
            new Int32DataFrameColumn("item", top.Select(r => r.Item)),
            new DoubleDataFrameColumn("score", top.Select(r => r.Score)),
            new StringDataFrameColumn("held-out item?", top.Select(r => r.Item == query.Target ? "← yes, the test target" : "")));
    }
}
