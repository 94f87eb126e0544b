namespace Incidents.IntegrationTests.Faults;

/// <summary>
/// Tests that stop and start servers of their own. They run alone (after the parallel collections), so a busy neighbour
/// neither eats into their margins nor sees their servers go away.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
