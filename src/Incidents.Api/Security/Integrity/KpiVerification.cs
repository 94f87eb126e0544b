using System.Globalization;
using System.Text.Json;
using Incidents.Projections.Kpis;
using JasperFx.Events;
using Marten;

namespace Incidents.Api.Security.Integrity;

/// <summary>One read model that disagrees with what the verified events say (<see cref="KpiVerification"/>).</summary>
public sealed record KpiDisagreement(string ReadModel, string Key, string Reason);

/// <summary>What the verification of a month found: how many incidents it re-derived, and every disagreement.</summary>
public sealed record KpiVerificationReport(string Period, int Incidents, IReadOnlyList<KpiDisagreement> Disagreements)
{
    public bool Ok => Disagreements.Count == 0;
}

/// <summary>
/// Re-derives the KPI read models of a month from the events (issue #14) and names every one that disagrees. The events
/// are verified first (keyed chain, and the last anchor); an incident whose events do not verify is itself a disagreement,
/// since nothing derived from it can be vouched for. Then:
/// <list type="bullet">
/// <item>each incident's KPI row (<see cref="IncidentKpiFacts"/>, the document and every duplicated column the KPI query
/// reads) must be what the projection makes of its events: a row changed, moved to another day, added or removed shows;</item>
/// <item>the pre-aggregated cells of the month's days (<c>kpi_cells</c>) and of the month (<c>kpi_month_cells</c>) must add
/// up the finished incidents' rows — which are the derived ones by then — with the formulas of the trigger that keeps them
/// (<see cref="KpiCells.Measures"/>).</item>
/// </list>
/// The duration histograms (<c>kpi_durations</c>, per year) are not checked.
/// </summary>
public static class KpiVerification
{
    private const string Rows = "mt_doc_incidentkpifacts";

    public static async Task<KpiVerificationReport> VerifyMonthAsync(IDocumentStore store, DateOnly month, TimeZoneInfo zone,
        AnchorReading? anchors, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        var firstDay = new DateOnly(month.Year, month.Month, 1);
        var (fromDay, toDay) = (DayKey(firstDay), DayKey(firstDay.AddMonths(1).AddDays(-1)));
        var period = firstDay.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await using var session = store.QuerySession();
        var disagreements = new List<KpiDisagreement>();

        // The incidents of the month: those whose report the events place in it (a day's margin either side for the zone;
        // the derived row decides), and those whose stored row claims it.
        var start = Domain.Kpis.KpiPeriod.StartOf(firstDay, zone).AddDays(-1);
        var end = Domain.Kpis.KpiPeriod.StartOf(firstDay.AddMonths(1), zone).AddDays(1);
        var reported = await session.AdvancedSql.QueryAsync<Guid>(
            $"select stream_id from {schema}.mt_events where type = 'incident_reported' and (data->>'at')::timestamptz >= ? "
            + "and (data->>'at')::timestamptz < ?", ct, start, end);
        var claimed = await session.AdvancedSql.QueryAsync<Guid>(
            $"select id from {schema}.{Rows} where local_day between ? and ?", ct, fromDay, toDay);
        var ids = reported.Concat(claimed).Distinct().ToArray();

        var projection = new IncidentKpiFactsProjection(zone);
        var stored = (await session.LoadManyAsync<IncidentKpiFacts>(ct, ids)).ToDictionary(r => r.Id);
        var heads = await ChainVerifier.LoadHeadsAsync(session, ids, ct);
        var serializer = store.Options.Serializer();
        var inMonth = 0;
        foreach (var chunk in ids.Chunk(1000))
        {
            var events = (await session.Events.QueryAllRawEvents().Where(e => chunk.Contains(e.StreamId))
                    .OrderBy(e => e.StreamId).ThenBy(e => e.Version).ToListAsync(ct))
                .GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IReadOnlyList<IEvent>)g.ToList());
            foreach (var id in chunk)
            {
                var stream = events.GetValueOrDefault(id, []);
                var broken = ChainVerifier.Verify(id, stream, heads.GetValueOrDefault(id));
                if (broken is null && anchors?.Latest?.HeadOf(id) is { } anchored)
                {
                    broken = ChainVerifier.AgainstAnchor(id, stream, anchored, anchors.Latest);
                }

                if (broken is not null)
                {
                    disagreements.Add(new KpiDisagreement("events", id.ToString(),
                        $"The incident's events do not verify (version {broken.Version}: {broken.Reason}); its KPI row and the cells it counts in cannot be vouched for."));
                    continue;
                }

                IncidentKpiFacts? derived = null;
                foreach (var e in stream)
                {
                    derived = projection.Evolve(derived, id, e);
                }

                var belongs = derived is not null && derived.LocalDay >= fromDay && derived.LocalDay <= toDay;
                inMonth += belongs ? 1 : 0;
                var row = stored.GetValueOrDefault(id);
                if (derived is null && row is not null)
                {
                    disagreements.Add(new KpiDisagreement(Rows, id.ToString(), "A KPI row for a stream whose events make none."));
                }
                else if (derived is not null && row is null)
                {
                    disagreements.Add(new KpiDisagreement(Rows, id.ToString(), "The incident's KPI row is missing."));
                }
                else if (derived is not null && row is not null && serializer.ToJson(derived) != serializer.ToJson(row))
                {
                    disagreements.Add(new KpiDisagreement(Rows, id.ToString(),
                        "The KPI row differs from what the incident's events make of it"
                        + (row.LocalDay == derived.LocalDay ? "." : $" (it claims local day {row.LocalDay}; the events say {derived.LocalDay}).")));
                }
            }
        }

        disagreements.AddRange(await ColumnsDifferingFromDocumentAsync(session, schema, ids, ct));
        disagreements.AddRange(await CellsDifferingFromRowsAsync(session, schema, KpiCells.CellsTable, "day", "local_day", fromDay, toDay, ct));
        disagreements.AddRange(await CellsDifferingFromRowsAsync(session, schema, KpiCells.MonthCellsTable, "month", "local_day / 100",
            fromDay / 100, toDay / 100, ct));
        return new KpiVerificationReport(period, inMonth, disagreements);
    }

    private static int DayKey(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    /// <summary>
    /// The KPI query reads the rows' duplicated columns, not their documents: each column must hold what the document says.
    /// </summary>
    private static async Task<IEnumerable<KpiDisagreement>> ColumnsDifferingFromDocumentAsync(IQuerySession session, string schema,
        Guid[] ids, CancellationToken ct)
    {
        var columns = await session.AdvancedSql.QueryAsync<string>(
            "select json_build_object('name', column_name, 'type', data_type)::text from information_schema.columns "
            + "where table_schema = ? and table_name = ? and column_name not in ('id', 'data') and column_name not like 'mt\\_%'",
            ct, schema, Rows);
        if (columns.Count == 0 || ids.Length == 0)
        {
            return [];
        }

        var checks = columns.Select(c => JsonSerializer.Deserialize<JsonElement>(c)).Select(c =>
        {
            var name = c.GetProperty("name").GetString()!;
            var json = JsonNamingPolicy.CamelCase.ConvertName(string.Concat(name.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..])));
            return $"select id::text || ' ' || '{name}' from {schema}.{Rows} where id = any(?) and {name} is distinct from "
                + $"(data->>'{json}')::{c.GetProperty("type").GetString()}";
        }).ToList();
        var differing = await session.AdvancedSql.QueryAsync<string>(string.Join(" union all ", checks), ct,
            checks.Select(_ => (object)ids).ToArray());
        return differing.Select(d => d.Split(' ')).Select(d => new KpiDisagreement(Rows, d[0],
            $"Column {d[1]} differs from the row's document (the KPI query reads the column)."));
    }

    /// <summary>The cells of <paramref name="table"/> in the range, against the finished rows added up with the trigger's formulas.</summary>
    private static async Task<IEnumerable<KpiDisagreement>> CellsDifferingFromRowsAsync(IQuerySession session, string schema, string table,
        string key, string keyOfRow, int from, int to, CancellationToken ct)
    {
        var measures = KpiCells.Measures;
        var sums = string.Join(", ", measures.Select(m =>
            $"sum(coalesce({string.Format(CultureInfo.InvariantCulture, m.Contribution, "r")}, 0)) as {m.Name}"));
        var names = string.Join(", ", measures.Select(m => m.Name));
        var sql = $"""
            with e as (select {keyOfRow} as k, class, affected_system, is_drill, {sums}, max(settled_ticks) as max_settled
                       from {schema}.{Rows} r where local_day / {(key == "day" ? 1 : 100)} between ? and ? and ({KpiCells.InCells("r")})
                       group by 1, class, affected_system, is_drill),
                 s as (select {key} as k, class, affected_system, is_drill, {names}, max_settled
                       from {schema}.{table} where {key} between ? and ?)
            select json_build_object('key', concat_ws(' ', coalesce(e.k, s.k), coalesce(e.class, s.class),
                     coalesce(e.affected_system, s.affected_system), case when coalesce(e.is_drill, s.is_drill) then 'drill' else 'live' end),
                   'e', to_jsonb(e), 's', to_jsonb(s))::text
            from e full join s on (e.k, e.class, e.affected_system, e.is_drill) = (s.k, s.class, s.affected_system, s.is_drill)
            """;
        var pairs = await session.AdvancedSql.QueryAsync<string>(sql, ct, from, to, from, to);
        var found = new List<KpiDisagreement>();
        foreach (var pair in pairs.Select(p => JsonSerializer.Deserialize<JsonElement>(p)))
        {
            var expected = pair.GetProperty("e");
            var actual = pair.GetProperty("s");
            double Value(JsonElement side, string name) =>
                side.ValueKind == JsonValueKind.Object && side.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
            var wrong = measures.Where(m => Math.Abs(Value(expected, m.Name) - Value(actual, m.Name))
                    > 1e-6 * Math.Max(1, Math.Abs(Value(expected, m.Name))))
                .Select(m => $"{m.Name} {Value(actual, m.Name).ToString(CultureInfo.InvariantCulture)} (derived {Value(expected, m.Name).ToString(CultureInfo.InvariantCulture)})")
                .ToList();
            // The latest settling instant only ever grows (a finished incident moved out leaves it): never below the rows'.
            if (Value(actual, "max_settled") < Value(expected, "max_settled"))
            {
                wrong.Add("max_settled below the latest settling instant of its incidents");
            }

            if (wrong.Count > 0)
            {
                found.Add(new KpiDisagreement(table, pair.GetProperty("key").GetString()!, "The cell disagrees with its incidents: " + string.Join("; ", wrong) + "."));
            }
        }

        return found;
    }
}
