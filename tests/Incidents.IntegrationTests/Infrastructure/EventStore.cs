namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>Direct looks at what PostgreSQL holds, to prove what was (not) written.</summary>
public static class EventStore
{
    public static Task<long> EventCountAsync(Guid incidentId) =>
        TestServices.ScalarAsync<long>("select count(*) from incidents.mt_events where stream_id = @id", ("id", incidentId));

    /// <summary>
    /// Streams in the store, leaving out outage reports: a restore in an earlier test opens its report a moment later on the
    /// local queue, which must not look like a refused request having stored something.
    /// </summary>
    public static Task<long> StreamCountAsync() =>
        TestServices.ScalarAsync<long>("select count(*) from incidents.mt_streams s " +
            "where not exists (select 1 from incidents.mt_doc_reportdetails r where r.id = s.id)");

    public static Task<long> IncidentsOnSystemAsync(string system) =>
        TestServices.ScalarAsync<long>(
            "select count(*) from incidents.mt_doc_incidentdetails where data ->> 'affectedSystem' = @system", ("system", system));
}
