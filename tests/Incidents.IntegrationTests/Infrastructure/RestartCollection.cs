namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that stop and start API hosts to prove the real durable scheduler (on the wall clock) survives a restart. xunit
/// runs this collection after the parallel ones, alone, so busy neighbours do not eat into its margins.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RestartCollection
{
    public const string Name = "restarts";
}
