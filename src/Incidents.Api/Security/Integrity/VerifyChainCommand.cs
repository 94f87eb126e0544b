using JasperFx.CommandLine;
using Marten;

namespace Incidents.Api.Security.Integrity;

public sealed class VerifyChainInput : NetCoreInput
{
    [Description("Verify only this incident (its id)")]
    public string IncidentFlag { get; set; } = "";
}

/// <summary>
/// <c>dotnet Incidents.Api.dll verify-chain [--incident ID]</c>: exit code 0 when every chain holds (empty streams are
/// listed, they are not tampering), 1 otherwise.
/// </summary>
[Description("Verifies the tamper-evident event chain of one incident or of the whole store", Name = "verify-chain")]
public sealed class VerifyChainCommand : JasperFxAsyncCommand<VerifyChainInput>
{
    public override async Task<bool> Execute(VerifyChainInput input)
    {
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var anchors = host.Services.GetRequiredService<ChainAnchors>().Read();
        await using var session = store.QuerySession();

        if (input.IncidentFlag.Length > 0)
        {
            if (!Guid.TryParse(input.IncidentFlag, out var id))
            {
                Console.Error.WriteLine($"'{input.IncidentFlag}' is not an incident id.");
                return false;
            }

            var one = await ChainVerifier.VerifyStreamAsync(session, id, anchors, CancellationToken.None);
            if (one is null)
            {
                Console.Error.WriteLine($"Incident {id} has no events.");
                return false;
            }

            return Print(one.Ok, one.Streams, one.Events, one.Findings);
        }

        // The whole store, page by page: a finding (an empty stream, a broken chain) is reported and the check goes on.
        Guid? after = null;
        var streams = 0;
        var events = 0L;
        var findings = new List<IntegrityFinding>();
        while (true)
        {
            var page = await ChainVerifier.VerifyPageAsync(session, after, ChainVerifier.MaxPageSize, anchors, CancellationToken.None);
            streams += page.Streams;
            events += page.Events;
            findings.AddRange(page.Findings);
            if (page.Next is null)
            {
                return Print(findings.All(f => !f.IsTampering), streams, events, findings);
            }

            after = Guid.Parse(page.Next);
        }
    }

    private static bool Print(bool ok, int streams, long events, IReadOnlyList<IntegrityFinding> findings)
    {
        Console.WriteLine(ok
            ? $"OK: {streams} stream(s), {events} event(s), every chain holds."
            : $"BROKEN: {streams} stream(s), {events} event(s) checked; {findings.Count(f => f.IsTampering)} finding(s) of tampering.");
        foreach (var finding in findings)
        {
            Console.WriteLine($"  {finding.Kind}: stream {finding.StreamId}"
                + (finding.Kind == FindingKinds.EmptyStream ? $", created {finding.Created:O}" : $", version {finding.Version}")
                + (finding.EventType is null ? "" : $" ({finding.EventType})"));
            Console.WriteLine($"    {finding.Reason}");
            if (finding.Kind is FindingKinds.BrokenChain or FindingKinds.BrokenAnchor)
            {
                Console.WriteLine($"    expected hash {finding.ExpectedHash ?? "-"}");
                Console.WriteLine($"    stored hash   {finding.StoredHash ?? "-"}");
            }
        }

        return ok;
    }
}
