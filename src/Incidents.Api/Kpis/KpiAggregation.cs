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

    private const string Missed = "(({0}_state = 2) or ({0}_state = 3 and {0}_due_ticks < @asof))";

    public sealed record Result(KpiFigures Figures, IReadOnlyList<KpiBucket> Buckets, IReadOnlyList<KpiBreakdown> PerClass,
        IReadOnlyList<KpiBreakdown> PerSystem);

    private sealed record Group(
        bool IsClass,
        bool IsSystem,
        bool IsBucket,
        IncidentClass? Class,
        string? System,
        int Bucket,
        int Incidents,
        int Live,
        int[] StageMet,
        int[] StageMissed,
        int[] StageRunning,
        int Resolved,
        int Rated,
        int Satisfied,
        int Majors,
        int FastMajors,
        double? MeanAcknowledge,
        double?[] Means,
        int[] Counts);

    private sealed record Outage(KpiOutage Span, IncidentClass Class);

    private static readonly SlaStage[] Stages = Enum.GetValues<SlaStage>();

    private static string Column(SlaStage stage) => stage switch
    {
        SlaStage.Acknowledge => "acknowledge",
        SlaStage.OnSite => "on_site",
        _ => "restore",
    };

    private static readonly string[] DurationColumns = ["acknowledge_seconds", "on_site_seconds", "restore_seconds", "resolve_seconds"];

    public static async Task<Result> ComputeAsync(IQuerySession session, KpiRequest request, TimeZoneInfo zone, DateTimeOffset asOf,
        CancellationToken ct)
    {
        var filter = request.Filter;
        var table = $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_incidentkpifacts";
        var buckets = request.By is { } by ? request.Period.Split(by, zone) : [];
        var scope = FilterSql(filter);
        var inPeriod = $"reported_at >= @from and reported_at < @to and reported_ticks <= @asof{scope}";
        var bucket = buckets.Count > 0 ? "width_bucket(reported_at, @starts)" : "0";
        var sets = buckets.Count > 0 ? "(), (class), (affected_system), (bucket), (bucket, class)" : "(), (class), (affected_system)";
        var stageCounts = string.Join(",\n", Stages.Select(s => Column(s)).Select(c =>
            $"count(*) filter (where not cancelled and {c}_state = 1), " +
            $"count(*) filter (where not cancelled and {string.Format(Missed, c)}), " +
            $"count(*) filter (where not cancelled and {c}_state = 3 and {c}_due_ticks >= @asof)"));
        var means = string.Join(", ", DurationColumns.Select(c => $"avg({c}) filter (where not cancelled), count({c}) filter (where not cancelled)"));
        var grouped = $"""
            select grouping(class), grouping(affected_system), {(buckets.Count > 0 ? "grouping(bucket)" : "1")}, class, affected_system,
              {(buckets.Count > 0 ? "bucket" : "null::int")},
              count(*), count(*) filter (where not cancelled),
              {stageCounts},
              count(*) filter (where not cancelled and resolved_ticks <= @asof),
              count(*) filter (where not cancelled and rating is not null),
              count(*) filter (where not cancelled and rating >= 4),
              count(*) filter (where not cancelled and class = 'MajorEvent'),
              count(*) filter (where not cancelled and class = 'MajorEvent' and acknowledge_seconds <= 60),
              {means}
            from (select *, {bucket} as bucket from {table} where {inPeriod}) p
            group by grouping sets ({sets})
            """;
        string Ids(string condition) => $"(array_agg(id order by reported_ticks, id) filter (where not cancelled and {condition}))[1:{EvidenceLimit}]";
        var evidence = $"""
            select {string.Join(", ", DurationColumns.Select(c => $"percentile_disc(array[0.5, 0.9]::float8[]) within group (order by {c}) filter (where not cancelled)"))},
              {string.Join(", ", Stages.Select(s => Ids(string.Format(Missed, Column(s)))))},
              {Ids("(resolved_ticks is null or resolved_ticks > @asof)")},
              {Ids("rating < 4")},
              {Ids("class = 'MajorEvent' and (acknowledge_seconds is null or acknowledge_seconds > 60)")}
            from {table} where {inPeriod}
            """;
        var ids = $"select id from {table} where {inPeriod} order by reported_at, reported_ticks, id limit {EvidenceLimit}";
        var outages = $"""
            select id, affected_system, class, reported_ticks, restored_ticks from {table}
            where is_outage and reported_at < @to and reported_ticks <= @asof
              and (reported_at >= @from or ((class = 'Outage' or class = 'MajorEvent') and (restored_at is null or restored_at > @from))){scope}
            """;

        await using var connection = session.DocumentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { grouped, evidence, ids, outages })
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

            if (buckets.Count > 0 && ReferenceEquals(sql, grouped))
            {
                command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                    { Value = buckets.Select(b => b.From.UtcDateTime).ToArray() });
            }

            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var groups = new List<Group>();
        while (await reader.ReadAsync(ct))
        {
            groups.Add(ReadGroup(reader));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var percentiles = DurationColumns.Select((_, i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<double[]>(i)).ToArray();
        var lists = Enumerable.Range(DurationColumns.Length, Stages.Length + 3)
            .Select(i => reader.IsDBNull(i) ? (IReadOnlyList<Guid>)[] : reader.GetFieldValue<Guid[]>(i)).ToArray();
        await reader.NextResultAsync(ct);
        var incidentIds = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            incidentIds.Add(reader.GetGuid(0));
        }

        await reader.NextResultAsync(ct);
        var down = new List<Outage>();
        while (await reader.ReadAsync(ct))
        {
            down.Add(new Outage(new KpiOutage(reader.GetGuid(0), reader.GetString(1),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero)), Enum.Parse<IncidentClass>(reader.GetString(2))));
        }

        return Assemble(request, asOf, buckets, groups, percentiles, lists, incidentIds, down);
    }

    private static string FilterSql(KpiFilter filter)
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

    private static Group ReadGroup(NpgsqlDataReader r)
    {
        var i = 6;
        int Next() => (int)r.GetInt64(i++);
        var incidents = Next();
        var live = Next();
        int[] met = new int[3], missed = new int[3], running = new int[3];
        for (var s = 0; s < 3; s++)
        {
            (met[s], missed[s], running[s]) = (Next(), Next(), Next());
        }

        var (resolved, rated, satisfied, majors, fast) = (Next(), Next(), Next(), Next(), Next());
        var meanValues = new double?[DurationColumns.Length];
        var counts = new int[DurationColumns.Length];
        for (var d = 0; d < DurationColumns.Length; d++)
        {
            meanValues[d] = r.IsDBNull(i) ? null : r.GetDouble(i);
            i++;
            counts[d] = Next();
        }

        return new Group(r.GetInt32(0) == 0, r.GetInt32(1) == 0, r.GetInt32(2) == 0,
            r.IsDBNull(3) ? null : Enum.Parse<IncidentClass>(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? 0 : r.GetInt32(5),
            incidents, live, met, missed, running, resolved, rated, satisfied, majors, fast, meanValues[0], meanValues, counts);
    }

    private static Result Assemble(KpiRequest request, DateTimeOffset asOf, IReadOnlyList<KpiPeriod> buckets, List<Group> groups,
        double[]?[] percentiles, IReadOnlyList<Guid>[] lists, List<Guid> incidentIds, List<Outage> down)
    {
        var filter = request.Filter;
        var all = groups.SingleOrDefault(g => !g.IsClass && !g.IsSystem && !g.IsBucket) ?? Empty;
        var classes = groups.Where(g => g.IsClass && !g.IsBucket).ToDictionary(g => g.Class!.Value);
        var systems = groups.Where(g => g.IsSystem).OrderBy(g => g.System, StringComparer.Ordinal).ToList();
        var spans = down.Select(o => o.Span).ToList();

        var stages = Stages.Select((stage, s) => new KpiStageAttainment(stage, all.StageMet[s], all.StageMissed[s], all.StageRunning[s],
            Share(all.StageMet[s], all.StageMet[s] + all.StageMissed[s]), lists[s])).ToList();
        var ack = stages[0];
        var availabilitySystems = spans.Select(o => o.AffectedSystem).Concat(systems.Select(g => g.System!))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var durations = Enumerable.Range(0, DurationColumns.Length).Select(d => all.Counts[d] == 0
            ? new KpiDuration(0, null, null, null)
            : new KpiDuration(all.Counts[d], all.Means[d], percentiles[d]![0], percentiles[d]![1])).ToList();

        var figures = new KpiFigures(
            filter.From,
            filter.To,
            asOf,
            all.Incidents,
            all.Incidents - all.Live,
            Enum.GetValues<IncidentClass>().ToDictionary(c => c, c => classes.TryGetValue(c, out var g) ? g.Incidents : 0),
            systems.ToDictionary(g => g.System!, g => g.Incidents),
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
            availabilitySystems.Select(s => Capped(KpiCalculator.Availability(s, spans.Where(o => o.AffectedSystem == s).ToList(), filter, asOf)))
                .ToList(),
            incidentIds);

        var perClass = Enum.GetValues<IncidentClass>().Where(c => classes.ContainsKey(c) && classes[c].Incidents > 0)
            .Select(c => Breakdown("class:" + Http.QueryValues.Name(c), classes[c],
                KpiCalculator.Availability("*", down.Where(o => o.Class == c).Select(o => o.Span).ToList(), filter, asOf).OutageSeconds))
            .ToList();
        var perSystem = systems.Select(g => Breakdown("system:" + g.System, g,
                KpiCalculator.Availability("*", spans.Where(o => o.AffectedSystem == g.System).ToList(), filter, asOf).OutageSeconds))
            .ToList();

        var bucketGroups = groups.Where(g => g.IsBucket && !g.IsClass).ToDictionary(g => g.Bucket);
        var bucketClasses = groups.Where(g => g.IsBucket && g.IsClass).ToLookup(g => g.Bucket);
        var kpiBuckets = buckets.Select((b, n) =>
        {
            var g = bucketGroups.GetValueOrDefault(n + 1) ?? Empty;
            var byClass = Enum.GetValues<IncidentClass>().ToDictionary(c => c,
                c => bucketClasses[n + 1].FirstOrDefault(x => x.Class == c)?.Incidents ?? 0);
            var overlapping = spans.Where(o => o.ReportedAt < b.To && (o.RestoredAt ?? asOf) > b.From).ToList();
            return new KpiBucket(b.Name, b.From, b.To, g.Incidents, byClass, Attainment(g, 0), Attainment(g, 1), Attainment(g, 2),
                KpiCalculator.Availability("*", overlapping, filter with { From = b.From, To = b.To }, asOf).OutageSeconds);
        }).ToList();

        return new Result(figures, kpiBuckets, perClass, perSystem);
    }

    private static readonly Group Empty = new(false, false, false, null, null, 0, 0, 0, new int[3], new int[3], new int[3], 0, 0, 0, 0, 0,
        null, new double?[4], new int[4]);

    private static double? Attainment(Group g, int stage) => Share(g.StageMet[stage], g.StageMet[stage] + g.StageMissed[stage]);

    private static KpiBreakdown Breakdown(string scope, Group g, double outageSeconds) => new(scope, g.Incidents, Attainment(g, 0),
        Attainment(g, 1), Attainment(g, 2), Share(g.Resolved, g.Live), Share(g.Satisfied, g.Rated), g.MeanAcknowledge, outageSeconds);

    private static double? Share(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;

    private static KpiRate Rate(string clause, int numerator, int denominator, double target, IReadOnlyList<Guid> shortfall)
    {
        var value = Share(numerator, denominator);
        return new KpiRate(clause, numerator, denominator, value, target, value is { } v ? v >= target : null, shortfall);
    }

    private static KpiAvailability Capped(KpiAvailability a) =>
        a.Outages.Count > EvidenceLimit ? a with { Outages = a.Outages.Take(EvidenceLimit).ToList() } : a;
}
