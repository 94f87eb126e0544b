using System.Globalization;
using CsvHelper;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Incidents.Api.Kpis;

/// <summary>
/// The KPIs of a period: every figure with its contract target and the incidents that make it up or fall short
/// (open each at <see cref="EvidenceLink"/>). <see cref="Position"/> and <see cref="AsOf"/> reproduce the answer.
/// </summary>
public sealed record KpiView(
    string Period,
    string TimeZone,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    long Position,
    KpiFilter Filter,
    KpiFigures Figures,
    IReadOnlyList<KpiBucket> Buckets,
    IReadOnlyList<KpiBreakdown> PerClass,
    IReadOnlyList<KpiBreakdown> PerSystem,
    string EvidenceLink,
    int? EvidenceLimit);

/// <summary>The headline figures of one class or one affected system in the period (scope "class:outage", "system:x").</summary>
public sealed record KpiBreakdown(
    string Scope,
    int Incidents,
    double? AcknowledgeAttainment,
    double? OnSiteAttainment,
    double? RestoreAttainment,
    double? FaultResolutionRate,
    double? UserSatisfaction,
    double? MeanSecondsToAcknowledge,
    double OutageSeconds);

/// <summary>One line of the CSV export.</summary>
public sealed record KpiCsvRow(string Figure, string Scope, double? Value, double? Numerator, double? Denominator, double? Target,
    bool? Met, string Clause);

public static class GetKpisEndpoint
{
    [ExpensiveRead]
    [WolverineGet("/api/v1/kpis", OperationId = "getKpis")]
    [EndpointSummary("KPIs for a period")]
    [EndpointDescription("Supervisor KPIs for a year, month or day in the service's time zone: counts, times to each step (mean, p50, p90), " +
        "SLA attainment per stage, response, resolution and satisfaction rates, availability per system, each with its target and the " +
        "incidents behind it (docs/kpis.md). Evidence lists (incidentIds, shortfall, missedIncidents, outages) hold at most `evidenceLimit` " +
        "(100) ids, the first by report time; the figure's own count says how many there are. `evidence=all` (or a `position`) lists " +
        "every id, computed in memory from the per-incident facts: slower for a large period. A year's p50/p90 without a class or system " +
        "filter come from histograms: the exact value rounded down to three significant figures (whole seconds below 100 s).")]
    [Authorize(Policy = Policies.ReadKpis)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<KpiView>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> Get([AsParameters] KpiQuery query, HttpContext http, IQuerySession session, TimeProvider clock,
        IConfiguration configuration)
    {
        var (view, problem) = await Build(query, http, session, clock, configuration);
        return view is null ? problem! : TypedResults.Ok(view);
    }

    [ExpensiveRead]
    [WolverineGet("/api/v1/kpis.csv", OperationId = "getKpisCsv")]
    [EndpointSummary("KPIs as CSV")]
    [EndpointDescription("The same figures as CSV: one line per figure and scope, then one per bucket.")]
    [Authorize(Policy = Policies.ReadKpis)]
    [Tags(ApiTags.Kpis)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, Problems.ContentType)]
    public static async Task<IResult> GetCsv([AsParameters] KpiQuery query, HttpContext http, IQuerySession session,
        TimeProvider clock,
        IConfiguration configuration)
    {
        var (view, problem) = await Build(query, http, session, clock, configuration);
        if (view is null)
        {
            return problem!;
        }

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions(), true))
        {
            foreach (var header in new[] { "figure", "scope", "value", "numerator", "denominator", "target", "met", "clause" })
            {
                csv.WriteField(header);
            }

            csv.EndRecord();
            foreach (var row in Rows(view))
            {
                csv.WriteField(row.Figure);
                csv.WriteField(row.Scope);
                csv.WriteField(Number(row.Value));
                csv.WriteField(Number(row.Numerator));
                csv.WriteField(Number(row.Denominator));
                csv.WriteField(Number(row.Target));
                csv.WriteField(row.Met is { } met ? (met ? "true" : "false") : "");
                csv.WriteField(row.Clause);
                csv.EndRecord();
            }

            csv.Flush();
        }

        return TypedResults.Text(writer.ToString(), "text/csv; charset=utf-8");
    }

    private static async Task<(KpiView? View, IResult? Problem)> Build(KpiQuery query, HttpContext http, IQuerySession session,
        TimeProvider clock, IConfiguration configuration)
    {
        var zone = KpiData.Zone(configuration);
        var errors = new Dictionary<string, string[]>();
        return query.Read(zone, clock, errors, Contract.ContractCalendar.From(configuration)) is { } request
            ? (await Compute(session, request, zone, clock, http.RequestAborted), null)
            : (null, Problems.Validation(http, errors));
    }

    public static async Task<KpiView> Compute(IQuerySession session, KpiRequest request, TimeZoneInfo zone, TimeProvider clock,
        CancellationToken ct)
    {
        if (request.Filter.Exclusions.IsEmpty)
        {
            // Approved maintenance windows and force majeure (Maintenance/KpiExclusionsData.cs): taken off availability, listed.
            request = request with { Filter = request.Filter with
            {
                Exclusions = await Maintenance.KpiExclusionsData.LoadAsync(session, request.Period.From, request.Period.To, ct),
            } };
        }

        var position = request.Position ?? await KpiData.PositionAsync(session, ct);
        var now = clock.GetUtcNow();
        var asOf = request.AsOf ?? (request.Period.To < now ? request.Period.To : now);
        if (!request.CompleteEvidence)
        {
            var fast = await KpiAggregation.ComputeAsync(session, request, zone, asOf, ct);
            return new KpiView(request.Period.Name, zone.Id, request.Period.From, request.Period.To, asOf, position, request.Filter,
                fast.Figures, fast.Buckets, fast.PerClass, fast.PerSystem, KpiData.EvidenceLink, KpiAggregation.EvidenceLimit);
        }

        var facts = await KpiData.LoadAsync(session, request.Filter, request.Position, ct);
        var figures = KpiCalculator.Compute(facts, request.Filter, asOf);
        var perClass = figures.ByClass.Where(c => c.Value > 0).Select(c => Breakdown("class:" + QueryValues.Name(c.Key),
            KpiCalculator.Compute(facts, request.Filter with { Classes = [c.Key] }, asOf))).ToList();
        var perSystem = figures.BySystem.Select(sys => Breakdown("system:" + sys.Key,
            KpiCalculator.Compute(facts, request.Filter with { System = sys.Key }, asOf))).ToList();
        return new KpiView(request.Period.Name, zone.Id, request.Period.From, request.Period.To, asOf, position, request.Filter, figures,
            KpiData.Buckets(facts, request, zone, asOf), perClass, perSystem, KpiData.EvidenceLink, null);
    }

    private static KpiBreakdown Breakdown(string scope, KpiFigures f)
    {
        double? Rate(SlaStage stage) => f.SlaAttainment.First(s => s.Stage == stage).Rate;
        return new KpiBreakdown(scope, f.Incidents, Rate(SlaStage.Acknowledge), Rate(SlaStage.OnSite),
            Rate(SlaStage.Restore), f.FaultResolutionRate.Value, f.UserSatisfaction.Value, f.TimeToAcknowledge.MeanSeconds,
            f.Availability.OutageSeconds);
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    public static IEnumerable<KpiCsvRow> Rows(KpiView view)
    {
        var f = view.Figures;
        var all = "all";
        yield return new KpiCsvRow("incidents", all, f.Incidents, null, null, null, null, "");
        yield return new KpiCsvRow("cancelled", all, f.Cancelled, null, null, null, null, "");
        foreach (var (c, n) in f.ByClass)
        {
            yield return new KpiCsvRow("incidents", "class:" + QueryValues.Name(c), n, null, null, null, null, "");
        }

        foreach (var (s, n) in f.BySystem)
        {
            yield return new KpiCsvRow("incidents", "system:" + s, n, null, null, null, null, "");
        }

        foreach (var (name, d) in new[] { ("time-to-acknowledge", f.TimeToAcknowledge), ("time-to-on-site", f.TimeToOnSite),
                     ("time-to-restore", f.TimeToRestore), ("time-to-resolve", f.TimeToResolve) })
        {
            yield return new KpiCsvRow(name + "-mean-seconds", all, d.MeanSeconds, null, d.Count, null, null, "");
            yield return new KpiCsvRow(name + "-p50-seconds", all, d.P50Seconds, null, d.Count, null, null, "");
            yield return new KpiCsvRow(name + "-p90-seconds", all, d.P90Seconds, null, d.Count, null, null, "");
        }

        foreach (var s in f.SlaAttainment)
        {
            yield return new KpiCsvRow("sla-attainment", "stage:" + QueryValues.Name(s.Stage), s.Rate, s.Met, s.Met + s.Missed, null, null,
                "2.2.6 standard 1");
        }

        foreach (var (name, r) in new[] { ("fault-response-rate", f.FaultResponseRate), ("fault-resolution-rate", f.FaultResolutionRate),
                     ("user-satisfaction", f.UserSatisfaction), ("major-event-response-1-minute", f.MajorEventResponse) })
        {
            yield return new KpiCsvRow(name, all, r.Value, r.Numerator, r.Denominator, r.Target, r.Met, r.Clause);
        }

        foreach (var a in f.AvailabilityBySystem.Prepend(f.Availability))
        {
            var scope = a.System == "*" ? all : "system:" + a.System;
            yield return new KpiCsvRow("availability", scope, a.Availability, a.PeriodSeconds - a.OutageSeconds, a.PeriodSeconds, a.Target,
                a.Met, "3.1 availability >= 99.99%");
            yield return new KpiCsvRow("outage-seconds", scope, a.OutageSeconds, null, null, null, null, "");
            yield return new KpiCsvRow("downtime-budget-remaining-seconds", scope, a.RemainingBudgetSeconds, null, null, null, null, "");
        }

        foreach (var b in view.PerClass.Concat(view.PerSystem))
        {
            yield return new KpiCsvRow("incidents", b.Scope, b.Incidents, null, null, null, null, "");
            yield return new KpiCsvRow("acknowledge-attainment", b.Scope, b.AcknowledgeAttainment, null, null, null, null, "");
            yield return new KpiCsvRow("fault-resolution-rate", b.Scope, b.FaultResolutionRate, null, null, null, null, "");
            yield return new KpiCsvRow("user-satisfaction", b.Scope, b.UserSatisfaction, null, null, null, null, "");
        }

        foreach (var b in view.Buckets)
        {
            yield return new KpiCsvRow("incidents", "bucket:" + b.Period, b.Incidents, null, null, null, null, "");
            yield return new KpiCsvRow("acknowledge-attainment", "bucket:" + b.Period, b.AcknowledgeAttainment, null, null, null, null, "");
            yield return new KpiCsvRow("outage-seconds", "bucket:" + b.Period, b.OutageSeconds, null, null, null, null, "");
        }
    }
}
