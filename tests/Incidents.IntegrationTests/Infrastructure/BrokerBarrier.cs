namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>
/// How a test proves that the API announced nothing more for an incident, without waiting "long enough": it makes one
/// more change that is announced (a comment) and waits for that message. The API publishes through its outbox in commit
/// order on one exchange, so whatever an earlier request announced arrives before the barrier; the messages before it
/// are all there will be.
/// </summary>
public static class BrokerBarrier
{
    /// <summary>Comments on the incident, waits for its announcement and returns the messages for the incident that came before it.</summary>
    public static async Task<IReadOnlyList<BrokerMessage>> AnnouncedBeforeBarrierAsync(this BrokerProbe broker, IncidentsClient client,
        Guid incidentId)
    {
        var before = broker.For(incidentId).Count(IsComment);
        await client.StepOkAsync(incidentId, "comments", new { text = "Barrier: anything announced before this has arrived." });
        var messages = await broker.WaitForAsync(incidentId, m => m.Count(IsComment) > before);
        var barrier = messages.Select((m, i) => (m, i)).Where(x => IsComment(x.m)).ElementAt(before).i;
        return messages.Take(barrier).ToList();
    }

    private static bool IsComment(BrokerMessage message) =>
        message.Message.TryGetProperty("step", out var step) && step.GetString() == "comment-added";
}
