namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>Direct looks at what PostgreSQL holds, to prove what was (not) written.</summary>
public static class EventStore
{
    public static Task<long> EventCountAsync(Guid incidentId) =>
        TestServices.ScalarAsync<long>("select count(*) from incidents.mt_events where stream_id = @id", ("id", incidentId));

    public static Task<long> StreamCountAsync() =>
        TestServices.ScalarAsync<long>("select count(*) from incidents.mt_streams");

    public static Task<long> IncidentsOnSystemAsync(string system) =>
        TestServices.ScalarAsync<long>(
            "select count(*) from incidents.mt_doc_incidentdetails where data ->> 'affectedSystem' = @system", ("system", system));
}
