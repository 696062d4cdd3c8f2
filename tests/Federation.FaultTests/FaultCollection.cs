using Xunit;

namespace Federation.FaultTests;

/// <summary>Fault tests run one at a time: each kills processes and loads the two cores on purpose.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
