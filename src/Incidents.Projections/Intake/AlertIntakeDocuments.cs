using Incidents.Domain.Intake;

namespace Incidents.Projections.Intake;

/// <summary>
/// The deduplication index: one small document per integration and key (id <c>{integration}:{key}</c>), so finding an
/// alert's incident is one primary-key read instead of a search through events (docs/intake.md).
/// </summary>
public sealed class AlertKeyRecord
{
    public string Id { get; set; } = "";

    public Guid IntegrationId { get; set; }

    public AlertKeyState? State { get; set; }

    public static string IdOf(Guid integrationId, string key) => $"{integrationId:N}:{key}";
}

/// <summary>
/// Per integration: the incident last opened for each system (grouping) and the incidents opened within the storm window
/// (the storm limit). Optimistic concurrency: two API processes taking alerts of one integration at once retry rather than
/// overwrite each other's grouping.
/// </summary>
public sealed class AlertIntakeState
{
    public Guid Id { get; set; }

    public Dictionary<string, AlertGroupHead> Groups { get; set; } = [];

    public List<AlertOpening> Openings { get; set; } = [];
}
