using Rsir.Data;

namespace Rsir.Tests.Data;

/// <summary>The shipped Beauty file, loaded once for the tests that need the real data.</summary>
public sealed class BeautyFixture
{
    public LoadedDataset Beauty { get; } = new DatasetCatalog().Load("beauty");
}

[CollectionDefinition(Name)]
public sealed class BeautyCollection : ICollectionFixture<BeautyFixture>
{
    public const string Name = "Beauty";
}
