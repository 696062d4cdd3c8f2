using Federation.Testing;
using Xunit;

namespace Federation.IntegrationTests;

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<Infrastructure>
{
    public const string Name = "real broker and database";
}
