using Rsir.Models;
using TorchSharp;
using static TorchSharp.torch;
using static Rsir.Tests.Models.TinyBackbones;

namespace Rsir.Tests.Models;

public class BackboneTests
{
    public static TheoryData<string> AllKinds => Kinds;

    [Theory, MemberData(nameof(AllKinds))]
    public void Output_at_t_ignores_items_after_t(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Create(kind);
        model.eval();
        var items = RandomItems(3, 10, seed: 2);
        var hidden = model.Encode(items);
        foreach (int t in new[] { 0, 4, 8 })
        {
            var changed = items.clone();
            changed[.., (t + 1)..] = RandomItems(3, 10 - t - 1, seed: 100 + t);
            Assert.False(changed[.., (t + 1)..].eq(items[.., (t + 1)..]).all().item<bool>());
            var after = model.Encode(changed);
            AssertClose(hidden[.., ..(t + 1)], after[.., ..(t + 1)], $"{kind}: positions ≤ {t} moved when items after {t} changed");
            Assert.False(after[.., t + 1].allclose(hidden[.., t + 1], rtol: 0, atol: 1e-6), $"{kind}: position {t + 1} ignores its own item");
        }
    }

    [Theory, MemberData(nameof(AllKinds))]
    public void Trailing_padding_leaves_real_positions_unchanged(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Create(kind);
        model.eval();
        var sequences = new List<int[]> { new[] { 5, 9, 2, 44, 17 }, new[] { 3, 3, 8 } };
        var (tight, _) = model.Pad(sequences, CPU);                  // (2, 5)
        var padded = cat(new[] { tight, zeros(2, 6, dtype: ScalarType.Int64) }, 1); // (2, 11)
        var alone = model.Encode(model.Pad(new[] { sequences[1] }, CPU).Items);       // (1, 3)

        var hiddenTight = model.Encode(tight);
        var hiddenPadded = model.Encode(padded);
        AssertClose(hiddenTight, hiddenPadded[.., ..5], $"{kind}: extra padding changed outputs");
        AssertClose(alone[0], hiddenTight[1, ..3], $"{kind}: a sequence's outputs depend on its batch-mates' lengths");
    }

    [Theory, MemberData(nameof(AllKinds))]
    public void A_few_optimiser_steps_lower_the_loss_on_a_tiny_problem(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Create(kind, dropout: 0.1);
        var sequences = RuleSequences(count: 16, length: 8, seed: 3);
        var random = new Random(4);
        using var optimiser = optim.Adam(model.parameters(), lr: 0.01);

        double Evaluate()
        {
            model.eval();
            using var noGrad = no_grad();
            return NextItemLoss(model, sequences).item<float>();
        }

        double before = Evaluate();
        bool sawAuxiliary = false;
        for (int step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            model.train();
            optimiser.zero_grad();
            var loss = NextItemLoss(model, sequences);
            var auxiliary = model.AuxiliaryLoss(sequences.Select(s => s[..^1]).ToList(), random);
            if (auxiliary is not null) { loss = loss + auxiliary; sawAuxiliary = true; }
            loss.backward();
            optimiser.step();
        }
        double after = Evaluate();

        Assert.True(after < 0.7 * before, $"{kind}: loss {before:F3} → {after:F3}");
        Assert.Equal(kind == "cl4srec", sawAuxiliary);
    }

    [Theory, MemberData(nameof(AllKinds))]
    public void Scores_cover_exactly_the_catalogue(string kind)
    {
        using var scope = NewDisposeScope();
        using var model = Create(kind);
        Assert.Equal(new long[] { ItemCount + 1, 16 }, model.ItemTable.shape);
        Assert.Equal(0f, model.ItemTable[0].abs().sum().item<float>());
        var scores = model.ScoreAll(model.Encode(RandomItems(2, 4, seed: 5)));
        Assert.Equal(new long[] { 2, 4, ItemCount + 1 }, scores.shape);
    }

    [Fact]
    public void Factory_builds_each_kind_and_names_the_known_ones_for_an_unknown_kind()
    {
        Assert.IsType<SasRec>(Backbones.Create(Options("sasrec"), ItemCount));
        Assert.IsType<Cl4SRec>(Backbones.Create(Options("cl4srec"), ItemCount));
        Assert.IsType<Hstu>(Backbones.Create(Options("HSTU"), ItemCount));
        var error = Assert.Throws<ArgumentException>(() => Backbones.Create(Options("gru4rec"), ItemCount));
        foreach (var name in new[] { "gru4rec", "sasrec", "cl4srec", "hstu" }) Assert.Contains(name, error.Message);
        Assert.Throws<ArgumentException>(() => Backbones.Preset("sasrec-huge"));
    }

    [Fact]
    public void Presets_set_sizes_and_kind()
    {
        var small = Backbones.Preset("sasrec-small");
        Assert.Equal(("sasrec", 1, 32), (small.Kind, small.Layers, small.Dim));
        Assert.Equal(new BackboneOptions(), Backbones.Preset("sasrec-base"));
        Assert.Equal(new BackboneOptions { Kind = "hstu" }, Backbones.Preset("hstu"));
        Assert.Equal(3 * 3, Backbones.PresetNames.Count);
        foreach (var name in Backbones.PresetNames) Assert.Equal(name.Split('-')[0], Backbones.Preset(name).Kind);
        using var teacher = Backbones.Create("hstu-small", ItemCount);
        Assert.Equal(32, teacher.Dim);
    }

    [Fact]
    public void Factory_gives_cl4srec_the_datasets_ratios_unless_options_set_them()
    {
        var fromDataset = (Cl4SRec)Backbones.Create(Options("cl4srec"), ItemCount, "Toys_and_Games");
        Assert.Equal(Rsir.Data.Augmentation.AugmentationRatios.Toys, fromDataset.Ratios);
        var own = new Rsir.Data.Augmentation.AugmentationRatios(0.5, 0.5, 0.5);
        var fromOptions = (Cl4SRec)Backbones.Create(Options("cl4srec") with { Augmentation = own }, ItemCount, "Toys_and_Games");
        Assert.Equal(own, fromOptions.Ratios);
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string message)
    {
        Assert.Equal(expected.shape, actual.shape);
        double gap = (expected - actual).abs().max().item<float>();
        Assert.True(gap < 1e-5, $"{message} (max gap {gap:G3})");
    }
}
