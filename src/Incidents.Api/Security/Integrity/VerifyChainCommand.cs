using JasperFx.CommandLine;
using Marten;

namespace Incidents.Api.Security.Integrity;

public sealed class VerifyChainInput : NetCoreInput
{
    [Description("Verify only this incident (its id)")]
    public string IncidentFlag { get; set; } = "";
}

/// <summary><c>dotnet Incidents.Api.dll verify-chain [--incident ID]</c>: exit code 0 when every chain holds, 1 otherwise.</summary>
[Description("Verifies the tamper-evident event chain of one incident or of the whole store", Name = "verify-chain")]
public sealed class VerifyChainCommand : JasperFxAsyncCommand<VerifyChainInput>
{
    public override async Task<bool> Execute(VerifyChainInput input)
    {
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();

        if (input.IncidentFlag.Length > 0)
        {
            if (!Guid.TryParse(input.IncidentFlag, out var id))
            {
                Console.Error.WriteLine($"'{input.IncidentFlag}' is not an incident id.");
                return false;
            }

            var one = await ChainVerifier.VerifyStreamAsync(session, id, CancellationToken.None);
            if (one is null)
            {
                Console.Error.WriteLine($"Incident {id} has no events.");
                return false;
            }

            return Print(one.Ok, one.Streams, one.Events, one.FirstBroken);
        }

        Guid? after = null;
        var streams = 0;
        var events = 0L;
        while (true)
        {
            var page = await ChainVerifier.VerifyPageAsync(session, after, ChainVerifier.MaxPageSize, CancellationToken.None);
            streams += page.Streams;
            events += page.Events;
            if (!page.Ok || page.Next is null)
            {
                return Print(page.Ok, streams, events, page.FirstBroken);
            }

            after = Guid.Parse(page.Next);
        }
    }

    private static bool Print(bool ok, int streams, long events, BrokenLink? broken)
    {
        if (ok)
        {
            Console.WriteLine($"OK: {streams} incident(s), {events} event(s), every chain holds.");
            return true;
        }

        Console.WriteLine($"BROKEN after checking {streams} incident(s), {events} event(s).");
        Console.WriteLine($"  incident {broken!.IncidentId}, version {broken.Version}{(broken.EventType is null ? "" : $" ({broken.EventType})")}");
        Console.WriteLine($"  {broken.Reason}");
        Console.WriteLine($"  expected hash {broken.ExpectedHash ?? "-"}");
        Console.WriteLine($"  stored hash   {broken.StoredHash ?? "-"}");
        return false;
    }
}
