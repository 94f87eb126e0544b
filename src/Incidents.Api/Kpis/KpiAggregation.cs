using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;
using Incidents.Projections.Kpis;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Incidents.Api.Kpis;

/// <summary>
/// The fast path of the KPIs (no <c>position</c>): the same formulas as <see cref="KpiCalculator"/>, aggregated by
/// PostgreSQL over the narrow typed columns of the per-incident rows (<see cref="KpiLine"/>: durations in seconds, instants
/// in UTC ticks, stage states with their due ticks), judged at <c>asOf</c> inside the query. One round trip, four
/// statements: counts and attainment per grouping set (all, per class, per system, per bucket), percentiles and the
/// capped evidence lists, the first incident ids, and the outages (narrow rows) whose union gives the availability.
/// Evidence lists hold at most <see cref="EvidenceLimit"/> ids (the first by report time); the full computation with
/// complete lists is <c>evidence=all</c>.
/// </summary>
public static class KpiAggregation
{
    public const int EvidenceLimit = 100;

    internal const string Missed = "(({0}_state = 2) or ({0}_state = 3 and {0}_due_ticks < @asof))";

    public sealed record Result(KpiFigures Figures, IReadOnlyList<KpiBucket> Buckets, IReadOnlyList<KpiBreakdown> PerClass,
        IReadOnlyList<KpiBreakdown> PerSystem);

    /// <summary>Counts and sums over a set of incidents; the finest cells are added up into totals, classes, systems and buckets.</summary>
    internal sealed class Tally
    {
        public int Incidents { get; set; }

        public int Live { get; set; }

        public int[] Met { get; } = new int[3];

        public int[] Missed { get; } = new int[3];

        public int[] Running { get; } = new int[3];

        public int Resolved { get; set; }

        public int Rated { get; set; }

        public int Satisfied { get; set; }

        public int Majors { get; set; }

        public int FastMajors { get; set; }

        public double[] Sums { get; } = new double[4];

        public int[] Counts { get; } = new int[4];

        public double? Mean(int measure) => Counts[measure] == 0 ? null : Sums[measure] / Counts[measure];

        public double? Attainment(int stage) => Share(Met[stage], Met[stage] + Missed[stage]);

        public static Tally Of(IEnumerable<Tally> tallies)
        {
            var total = new Tally();
            foreach (var t in tallies)
            {
                total.Incidents += t.Incidents;
                total.Live += t.Live;
                total.Resolved += t.Resolved;
                total.Rated += t.Rated;
                total.Satisfied += t.Satisfied;
                total.Majors += t.Majors;
                total.FastMajors += t.FastMajors;
                for (var i = 0; i < 3; i++)
                {
                    (total.Met[i], total.Missed[i], total.Running[i]) = (total.Met[i] + t.Met[i], total.Missed[i] + t.Missed[i], total.Running[i] + t.Running[i]);
                }

                for (var i = 0; i < 4; i++)
                {
                    (total.Sums[i], total.Counts[i]) = (total.Sums[i] + t.Sums[i], total.Counts[i] + t.Counts[i]);
                }
            }

            return total;
        }
    }

    /// <summary>The finest grain the database answers: one class, one system, one bucket (0 without buckets).</summary>
    internal sealed record Cell(IncidentClass Class, string System, int Bucket, Tally Tally);

    internal sealed record Outage(KpiOutage Span, IncidentClass Class);

    internal static readonly SlaStage[] Stages = Enum.GetValues<SlaStage>();

    internal static string Column(SlaStage stage) => stage switch
    {
        SlaStage.Acknowledge => "acknowledge",
        SlaStage.OnSite => "on_site",
        _ => "restore",
    };

    internal static readonly string[] DurationColumns = Projections.Kpis.KpiCells.DurationColumns;

    /// <summary>
    /// The figures at <paramref name="asOf"/>: from the pre-aggregated cells when judged at the default instant (the period's end
    /// or now), else from the rows (an explicit <c>asOf</c>).
    /// </summary>
    public static async Task<Result> ComputeAsync(IQuerySession session, KpiRequest request, TimeZoneInfo zone, DateTimeOffset asOf,
        CancellationToken ct)
    {
        if (request.AsOf is null && await KpiCellsQuery.ComputeAsync(session, request, zone, asOf, ct) is { } fromCells)
        {
            return fromCells;
        }

        return await FromRowsAsync(session, request, zone, asOf, ct);
    }

    private static async Task<Result> FromRowsAsync(IQuerySession session, KpiRequest request, TimeZoneInfo zone, DateTimeOffset asOf,
        CancellationToken ct)
    {
        var filter = request.Filter;
        var table = $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_incidentkpifacts";
        var buckets = request.By is { } by ? request.Period.Split(by, zone) : [];
        var scope = FilterSql(filter);
        var inPeriod = $"reported_at >= @from and reported_at < @to and reported_ticks <= @asof{scope}";
        var bucket = buckets.Count > 0 ? "width_bucket(reported_at, @starts)" : "0";
        // One hash aggregate at the finest grain (class, system, bucket); the totals, per class, per system and per bucket are
        // summed from it here (grouping sets would aggregate every row once per set).
        var grouped = GroupedSql(table, inPeriod, bucket);
        string Ids(string condition) => $"(array_agg(id order by reported_ticks, id) filter (where not cancelled and {condition}))[1:{EvidenceLimit}]";
        var evidence = $"""
            select {string.Join(", ", DurationColumns.Select(c => $"percentile_disc(array[0.5, 0.9]::float8[]) within group (order by {c}) filter (where not cancelled)"))},
              {string.Join(", ", Stages.Select(s => Ids(string.Format(Missed, Column(s)))))},
              {Ids("(resolved_ticks is null or resolved_ticks > @asof)")},
              {Ids("rating < 4")},
              {Ids($"class = 'MajorEvent' and (acknowledge_seconds is null or acknowledge_seconds > {KpiCalculator.MajorEventResponseSeconds})")}
            from {table} where {inPeriod}
            """;
        var ids = $"select id from {table} where {inPeriod} order by reported_at, reported_ticks, id limit {EvidenceLimit}";
        var outages = OutagesSql(table, scope);

        await using var connection = session.DocumentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { grouped, evidence, ids, outages })
        {
            var command = Command(sql, filter, asOf);
            if (buckets.Count > 0 && ReferenceEquals(sql, grouped))
            {
                command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                    { Value = buckets.Select(b => b.From.UtcDateTime).ToArray() });
            }

            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var cells = new List<Cell>();
        while (await reader.ReadAsync(ct))
        {
            cells.Add(ReadCell(reader));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var percentiles = DurationColumns.Select((_, i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<double[]>(i)).ToArray();
        var lists = Enumerable.Range(DurationColumns.Length, Stages.Length + 3)
            .Select(i => reader.IsDBNull(i) ? (IReadOnlyList<Guid>)[] : reader.GetFieldValue<Guid[]>(i)).ToArray();
        var (incidentIds, down) = await ReadIdsAndOutagesAsync(reader, ct);
        return Assemble(request, asOf, buckets, cells, percentiles, lists, incidentIds, down);
    }

    /// <summary>
    /// Counts and sums per (class, system, bucket) of the rows matching <paramref name="where"/>, judged at <c>@asof</c>; read
    /// by <see cref="ReadCell"/>. Used for a period's rows here and for the open incidents the cells leave out
    /// (<see cref="KpiCellsQuery"/>).
    /// </summary>
    internal static string GroupedSql(string table, string where, string bucket)
    {
        var stageCounts = string.Join(",\n", Stages.Select(s => Column(s)).Select(c =>
            $"count(*) filter (where not cancelled and {c}_state = 1), " +
            $"count(*) filter (where not cancelled and {string.Format(Missed, c)}), " +
            $"count(*) filter (where not cancelled and {c}_state = 3 and {c}_due_ticks >= @asof)"));
        var sums = string.Join(", ", DurationColumns.Select(c => $"sum({c}) filter (where not cancelled), count({c}) filter (where not cancelled)"));
        return $"""
            select class, affected_system, {bucket},
              count(*), count(*) filter (where not cancelled),
              {stageCounts},
              count(*) filter (where not cancelled and resolved_ticks <= @asof),
              count(*) filter (where not cancelled and rating is not null),
              count(*) filter (where not cancelled and rating >= 4),
              count(*) filter (where not cancelled and class = 'MajorEvent'),
              count(*) filter (where not cancelled and class = 'MajorEvent' and acknowledge_seconds <= {KpiCalculator.MajorEventResponseSeconds}),
              {sums}
            from {table} where {where}
            group by 1, 2, 3
            """;
    }

    /// <summary>
    /// The outages availability needs, as narrow rows: reported in the period, or earlier and not restored before it starts
    /// (partial indexes on the report and restore times of outages keep both halves small). The earlier ones first, each
    /// part in report order, so that availability usually finds them sorted already.
    /// </summary>
    internal static string OutagesSql(string table, string scope) => $"""
        (select id, affected_system, class, coalesce(down_ticks, reported_ticks), restored_ticks from {table}
         where is_outage and reported_at < @from and (restored_at is null or restored_at > @from){scope}
         order by reported_at, reported_ticks, id)
        union all
        (select id, affected_system, class, coalesce(down_ticks, reported_ticks), restored_ticks from {table}
         where is_outage and reported_at >= @from and reported_at < @to and reported_ticks <= @asof{scope}
         order by reported_at, reported_ticks, id)
        """;

    /// <summary>The last two results of both queries: the period's incident ids, then its outages.</summary>
    internal static async Task<(List<Guid> IncidentIds, List<Outage> Down)> ReadIdsAndOutagesAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        var incidentIds = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            incidentIds.Add(reader.GetGuid(0));
        }

        await reader.NextResultAsync(ct);
        return (incidentIds, await ReadOutagesAsync(reader, ct));
    }

    internal static async Task<List<Outage>> ReadOutagesAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var down = new List<Outage>();
        while (await reader.ReadAsync(ct))
        {
            down.Add(new Outage(new KpiOutage(reader.GetGuid(0), reader.GetString(1),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero)), Enum.Parse<IncidentClass>(reader.GetString(2))));
        }

        return down;
    }

    internal static NpgsqlBatchCommand Command(string sql, KpiFilter filter, DateTimeOffset asOf)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = filter.From.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = filter.To.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("asof", NpgsqlDbType.Bigint) { Value = asOf.UtcTicks });
        if (filter.System is { } system)
        {
            command.Parameters.Add(new NpgsqlParameter("system", NpgsqlDbType.Varchar) { Value = system });
        }

        if (filter.Classes is { Count: > 0 } classes)
        {
            command.Parameters.Add(new NpgsqlParameter("classes", NpgsqlDbType.Array | NpgsqlDbType.Varchar)
                { Value = classes.Select(c => c.ToString()).ToArray() });
        }

        return command;
    }

    internal static string FilterSql(KpiFilter filter)
    {
        var sql = filter.Drills switch
        {
            DrillFilter.Exclude => " and not is_drill",
            DrillFilter.Only => " and is_drill",
            _ => "",
        };
        if (filter.System is not null)
        {
            sql += " and affected_system = @system";
        }

        if (filter.Classes is { Count: > 0 })
        {
            sql += " and class = any(@classes)";
        }

        return sql;
    }

    internal static Cell ReadCell(NpgsqlDataReader r)
    {
        var i = 3;
        int Next() => (int)r.GetInt64(i++);
        var t = new Tally { Incidents = Next(), Live = Next() };
        for (var s = 0; s < 3; s++)
        {
            (t.Met[s], t.Missed[s], t.Running[s]) = (Next(), Next(), Next());
        }

        (t.Resolved, t.Rated, t.Satisfied, t.Majors, t.FastMajors) = (Next(), Next(), Next(), Next(), Next());
        for (var d = 0; d < DurationColumns.Length; d++)
        {
            t.Sums[d] = r.IsDBNull(i) ? 0 : r.GetDouble(i);
            i++;
            t.Counts[d] = Next();
        }

        return new Cell(Enum.Parse<IncidentClass>(r.GetString(0)), r.GetString(1), r.GetInt32(2), t);
    }

    internal static Result Assemble(KpiRequest request, DateTimeOffset asOf, IReadOnlyList<KpiPeriod> buckets, List<Cell> cells,
        double[]?[] percentiles, IReadOnlyList<Guid>[] lists, List<Guid> incidentIds, List<Outage> down)
    {
        var filter = request.Filter;
        var all = Tally.Of(cells.Select(c => c.Tally));
        var classes = cells.GroupBy(c => c.Class).ToDictionary(g => g.Key, g => Tally.Of(g.Select(c => c.Tally)));
        var systems = cells.GroupBy(c => c.System).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (System: g.Key, Tally: Tally.Of(g.Select(c => c.Tally)))).ToList();
        var spans = down.Select(o => o.Span).ToList();
        var bySystem = spans.ToLookup(o => o.AffectedSystem);

        var stages = Stages.Select((stage, s) => new KpiStageAttainment(stage, all.Met[s], all.Missed[s], all.Running[s],
            all.Attainment(s), lists[s])).ToList();
        var ack = stages[0];
        var availabilitySystems = spans.Select(o => o.AffectedSystem).Concat(systems.Select(g => g.System))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var systemAvailability = availabilitySystems.ToDictionary(s => s, s => KpiCalculator.Availability(s, bySystem[s].ToList(), filter, asOf),
            StringComparer.Ordinal);
        var durations = Enumerable.Range(0, DurationColumns.Length).Select(d => all.Counts[d] == 0
            ? new KpiDuration(0, null, null, null)
            : new KpiDuration(all.Counts[d], all.Mean(d), percentiles[d]![0], percentiles[d]![1])).ToList();

        var figures = new KpiFigures(
            filter.From,
            filter.To,
            asOf,
            all.Incidents,
            all.Incidents - all.Live,
            Enum.GetValues<IncidentClass>().ToDictionary(c => c, c => classes.TryGetValue(c, out var t) ? t.Incidents : 0),
            systems.ToDictionary(g => g.System, g => g.Tally.Incidents),
            durations[0],
            durations[1],
            durations[2],
            durations[3],
            stages,
            new KpiRate("3.1 fault response rate 100%; 2.2.6 standard 1", ack.Met, ack.Met + ack.Missed, ack.Rate,
                KpiCalculator.ResponseRateTarget, ack.Rate is { } r ? r >= KpiCalculator.ResponseRateTarget : null, ack.MissedIncidents),
            Rate("3.1 fault resolution rate >= 95%", all.Resolved, all.Live, KpiCalculator.ResolutionRateTarget, lists[3]),
            Rate("3.1 user satisfaction >= 90%", all.Satisfied, all.Rated, KpiCalculator.SatisfactionTarget, lists[4]),
            Rate("3.1 item 3 major events within 1 minute", all.FastMajors, all.Majors, KpiCalculator.ResponseRateTarget, lists[5]),
            Capped(KpiCalculator.Availability("*", spans, filter, asOf)),
            availabilitySystems.Select(s => Capped(systemAvailability[s])).ToList(),
            incidentIds);

        var perClass = Enum.GetValues<IncidentClass>().Where(c => classes.TryGetValue(c, out var t) && t.Incidents > 0)
            .Select(c => Breakdown("class:" + Http.QueryValues.Name(c), classes[c],
                KpiCalculator.Availability("*", down.Where(o => o.Class == c).Select(o => o.Span).ToList(), filter, asOf).OutageSeconds))
            .ToList();
        var perSystem = systems.Select(g => Breakdown("system:" + g.System, g.Tally,
                systemAvailability[g.System].OutageSeconds))
            .ToList();

        var byBucket = cells.ToLookup(c => c.Bucket);
        var kpiBuckets = buckets.Select((b, n) =>
        {
            var own = byBucket[n + 1].ToList();
            var t = Tally.Of(own.Select(c => c.Tally));
            var byClass = Enum.GetValues<IncidentClass>().ToDictionary(c => c, c => own.Where(x => x.Class == c).Sum(x => x.Tally.Incidents));
            var overlapping = spans.Where(o => o.ReportedAt < b.To && (o.RestoredAt ?? asOf) > b.From).ToList();
            return new KpiBucket(b.Name, b.From, b.To, t.Incidents, byClass, t.Attainment(0), t.Attainment(1), t.Attainment(2),
                KpiCalculator.Availability("*", overlapping, filter with { From = b.From, To = b.To }, asOf).OutageSeconds);
        }).ToList();

        return new Result(figures, kpiBuckets, perClass, perSystem);
    }

    private static KpiBreakdown Breakdown(string scope, Tally t, double outageSeconds) => new(scope, t.Incidents, t.Attainment(0),
        t.Attainment(1), t.Attainment(2), Share(t.Resolved, t.Live), Share(t.Satisfied, t.Rated), t.Mean(0), outageSeconds);

    private static double? Share(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;

    private static KpiRate Rate(string clause, int numerator, int denominator, double target, IReadOnlyList<Guid> shortfall)
    {
        var value = Share(numerator, denominator);
        return new KpiRate(clause, numerator, denominator, value, target, value is { } v ? v >= target : null, shortfall);
    }

    private static KpiAvailability Capped(KpiAvailability a) =>
        a.Outages.Count > EvidenceLimit ? a with { Outages = a.Outages.Take(EvidenceLimit).ToList() } : a;
}
