namespace Incidents.Api.Assurance;

/// <summary>What the key-assurance route parameters name, for their <c>[Description]</c>.</summary>
public static class KeyAssurancePaths
{
    public const string PeriodId = "The key-assurance period's id (a UUID), as in its `id` and `Location`.";
    public const string AdjustmentId = "The resource adjustment's id (a UUID), as in its `id` and `Location`.";
}
