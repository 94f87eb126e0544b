using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Projections.Kpis;
using Marten;
using Npgsql;
using NpgsqlTypes;
using static Incidents.Api.Kpis.KpiAggregation;

namespace Incidents.Api.Kpis;

/// <summary>
/// The KPIs from the pre-aggregated cells (<see cref="KpiCells"/>), judged at the default instant. The cells count the
/// finished incidents (resolved or cancelled) as they count for good; the finished incidents not yet settled at
/// <c>asOf</c> (resolved after it) are read as rows and moved from their final contribution to the one at <c>asOf</c>. The
/// open incidents of the period, which the cells leave out, are aggregated from their rows at <c>asOf</c> (the same SQL as
/// <see cref="KpiAggregation"/>, through the partial index of <see cref="KpiCells.NotInCells"/>). A year's p50/p90 come
/// from the duration histograms plus the open incidents' durations (three significant figures, at least whole seconds)
/// unless a class or system filter applies, when the exact values of the filtered rows are sorted. Evidence: the first
/// <see cref="EvidenceLimit"/> ids of each list, read through partial indexes.
/// </summary>
public static class KpiCellsQuery
{
    private sealed record Unsettled(IncidentClass Class, string System, int Bucket, Guid Id, long ReportedTicks, bool Cancelled, int[] States,
        long?[] Dues, long? ResolvedTicks, int? Rating, double?[] Durations);

    /// <returns>null when the rows must be read after all (an incident reported after <paramref name="asOf"/>).</returns>
    public static async Task<Result?> ComputeAsync(IQuerySession session, KpiRequest request, TimeZoneInfo zone, DateTimeOffset asOf,
        CancellationToken ct)
    {
        var filter = request.Filter;
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        var table = $"{schema}.mt_doc_incidentkpifacts";
        var buckets = request.By is { } by ? request.Period.Split(by, zone) : [];
        var scope = FilterSql(filter);
        var days = $"day >= @from_day and day < @to_day{scope}";
        // Months and years read the month cells (a year: ~12 x classes x systems rows), day buckets and days the day cells.
        var monthly = request.Period.Granularity != KpiGranularity.Day && request.By != KpiGranularity.Day;
        var (cellsTable, cellKey) = monthly ? (KpiCells.MonthCellsTable, "month") : (KpiCells.CellsTable, "day");
        var inPeriod = $"reported_at >= @from and reported_at < @to and reported_ticks <= @asof{scope}";
        var histogram = request.Period.Granularity == KpiGranularity.Year && filter.System is null && filter.Classes is not { Count: > 0 };

        var cellSums = string.Join(", ", KpiCells.Measures.Select(m => $"sum({m.Name})"));
        var cells = $"""
            select class, affected_system, {(buckets.Count > 0 ? $"width_bucket({cellKey}, @cell_starts)" : "0")}, {cellSums}
            from {schema}.{cellsTable} where {cellKey} >= @from_cell and {cellKey} < @to_cell{scope}
            group by 1, 2, 3
            """;
        // The open incidents (not in the cells), judged at asOf from their rows.
        var openRows = $"{KpiCells.NotInCells} and {inPeriod}";
        var openCells = GroupedSql(table, openRows, buckets.Count > 0 ? "width_bucket(local_day, @starts)" : "0");
        var stages = string.Join(", ", KpiCells.StageColumns.Select(c => $"{c}_state, {c}_due_ticks"));
        // The finished incidents not settled at asOf (in the cells with their final contribution). asOf as a literal, not a
        // parameter: the planner then sees how few cells and rows are unsettled (a generic plan for a prepared statement would
        // scan every day cell of the period).
        var unsettled = $"""
            select class, affected_system, {(buckets.Count > 0 ? "width_bucket(local_day, @starts)" : "0")}, id, reported_ticks, cancelled,
              {stages}, resolved_ticks, rating, {string.Join(", ", DurationColumns)}
            from {table}
            where local_day in (select day from {schema}.{KpiCells.CellsTable} where max_settled > {asOf.UtcTicks} and {days})
              and settled_ticks > {asOf.UtcTicks} and not ({KpiCells.NotInCells}) and reported_at >= @from and reported_at < @to{scope}
            """;
        var drillYear = filter.Drills switch
        {
            DrillFilter.Include => "",
            DrillFilter.Only => " and is_drill",
            _ => " and not is_drill",
        };
        // A year's histograms, and the open incidents' durations in the same buckets (one pass: a grouping set per duration);
        // added up per bucket here.
        var openBuckets = Enumerable.Range(0, DurationColumns.Length).Select(i => $"b{i}").ToArray();
        var percentiles = histogram
            ? $"""
              select measure, bucket, n::bigint from {schema}.{KpiCells.DurationsTable} where year = @year{drillYear} and n <> 0
              union all
              select case {string.Join(" ", openBuckets.SkipLast(1).Select((b, i) => $"when grouping({b}) = 0 then {i}"))} else {openBuckets.Length - 1} end,
                coalesce({string.Join(", ", openBuckets)}), count(*)
              from (select {string.Join(", ", DurationColumns.Select((c, i) => $"{schema}.kpi_duration_bucket({c}) {openBuckets[i]}"))}
                    from {table} where {openRows}) o
              group by grouping sets ({string.Join(", ", openBuckets.Select(b => $"({b})"))})
              having coalesce({string.Join(", ", openBuckets)}) is not null
              """
            : $"""
              select {string.Join(", ", DurationColumns.Select(c => $"percentile_disc(array[0.5, 0.9]::float8[]) within group (order by {c}) filter (where not cancelled)"))}
              from {table} where {inPeriod}
              """;
        string First(int list, string condition) =>
            $"(select {list}, id, reported_ticks from {table} where {inPeriod} and not cancelled and {condition} order by reported_at, reported_ticks, id limit {EvidenceLimit})";
        var evidence = string.Join("\nunion all\n",
        [
            .. KpiCells.StageColumns.Select((c, i) => First(i, $"{c}_state >= 2 and ({c}_state = 2 or {c}_due_ticks < @asof)")),
            First(3, "resolved_ticks is null"),
            First(4, "rating < 4"),
            First(5, "slow_major"),
        ]);
        var ids = $"select id from {table} where {inPeriod} order by reported_at, reported_ticks, id limit {EvidenceLimit}";

        await using var connection = session.DocumentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        // One snapshot for the cells and the rows that correct them. Bitmap scans off for the evidence lists only: they must walk
        // their partial indexes in order and stop at the 100th row, which a misestimated bitmap scan (and sort) would not.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in new[] { cells, openCells, unsettled, percentiles, "set local enable_bitmapscan = off", evidence, "set local enable_bitmapscan = on", ids,
                     OutagesSql(table, scope) })
        {
            if (sql.StartsWith("set ", StringComparison.Ordinal))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
                continue;
            }

            var command = Command(sql, filter, asOf);
            command.Parameters.Add(new NpgsqlParameter("from_day", NpgsqlDbType.Integer) { Value = DayKey(request.Period.FirstDay) });
            command.Parameters.Add(new NpgsqlParameter("to_day", NpgsqlDbType.Integer) { Value = DayKey(KpiPeriod.DayOf(filter.To, zone)) });
            command.Parameters.Add(new NpgsqlParameter("year", NpgsqlDbType.Integer) { Value = request.Period.FirstDay.Year });
            command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.Integer)
                { Value = buckets.Select(b => DayKey(b.FirstDay)).ToArray() });
            int CellKey(DateOnly d) => monthly ? DayKey(d) / 100 : DayKey(d);
            command.Parameters.Add(new NpgsqlParameter("from_cell", NpgsqlDbType.Integer) { Value = CellKey(request.Period.FirstDay) });
            command.Parameters.Add(new NpgsqlParameter("to_cell", NpgsqlDbType.Integer) { Value = CellKey(KpiPeriod.DayOf(filter.To, zone)) });
            command.Parameters.Add(new NpgsqlParameter("cell_starts", NpgsqlDbType.Array | NpgsqlDbType.Integer)
                { Value = buckets.Select(b => CellKey(b.FirstDay)).ToArray() });
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct); // positioned on the cells (the SET returns no rows)
        var finest = new Dictionary<(IncidentClass, string, int), Tally>();
        while (await reader.ReadAsync(ct))
        {
            var t = new Tally();
            var i = 3;
            int Next() => (int)reader.GetInt64(i++);
            (t.Incidents, t.Live) = (Next(), Next());
            for (var s = 0; s < 3; s++)
            {
                (t.Met[s], t.Missed[s]) = (Next(), Next());
            }

            (t.Resolved, t.Rated, t.Satisfied, t.Majors, t.FastMajors) = (Next(), Next(), Next(), Next(), Next());
            for (var d = 0; d < DurationColumns.Length; d++)
            {
                t.Sums[d] = reader.GetDouble(i++);
                t.Counts[d] = Next();
            }

            finest[(Enum.Parse<IncidentClass>(reader.GetString(0)), reader.GetString(1), reader.GetInt32(2))] = t;
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var c = ReadCell(reader);
            var key = (c.Class, c.System, c.Bucket);
            finest[key] = finest.TryGetValue(key, out var inCells) ? Tally.Of([inCells, c.Tally]) : c.Tally;
        }

        await reader.NextResultAsync(ct);
        var open = new List<Unsettled>();
        while (await reader.ReadAsync(ct))
        {
            long? Long(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            open.Add(new Unsettled(Enum.Parse<IncidentClass>(reader.GetString(0)), reader.GetString(1), reader.GetInt32(2), reader.GetGuid(3),
                reader.GetInt64(4), reader.GetBoolean(5), [reader.GetInt32(6), reader.GetInt32(8), reader.GetInt32(10)], [Long(7), Long(9), Long(11)],
                Long(12), reader.IsDBNull(13) ? null : reader.GetInt32(13),
                [.. Enumerable.Range(14, DurationColumns.Length).Select(i => reader.IsDBNull(i) ? (double?)null : reader.GetDouble(i))]));
        }

        if (open.Any(o => o.ReportedTicks > asOf.UtcTicks))
        {
            return null;
        }

        await reader.NextResultAsync(ct);
        var quantiles = new double[]?[DurationColumns.Length];
        if (histogram)
        {
            var counts = Enumerable.Range(0, DurationColumns.Length).Select(_ => new Dictionary<double, long>()).ToArray();
            while (await reader.ReadAsync(ct))
            {
                var (measure, bucket) = (reader.GetInt32(0), reader.GetDouble(1));
                counts[measure][bucket] = counts[measure].GetValueOrDefault(bucket) + reader.GetInt64(2);
            }

            for (var d = 0; d < DurationColumns.Length; d++)
            {
                quantiles[d] = NearestRank([.. counts[d].Where(c => c.Value != 0).OrderBy(c => c.Key).Select(c => (c.Key, c.Value))]);
            }
        }
        else
        {
            await reader.ReadAsync(ct);
            for (var d = 0; d < DurationColumns.Length; d++)
            {
                quantiles[d] = reader.IsDBNull(d) ? null : reader.GetFieldValue<double[]>(d);
            }
        }

        await reader.NextResultAsync(ct);
        var lists = Enumerable.Range(0, 6).Select(_ => new List<(long Ticks, Guid Id)>()).ToArray();
        while (await reader.ReadAsync(ct))
        {
            lists[reader.GetInt32(0)].Add((reader.GetInt64(2), reader.GetGuid(1)));
        }

        // Resolved after asOf: unresolved at asOf, and never settled before it.
        lists[3].AddRange(open.Where(o => !o.Cancelled && o.ResolvedTicks > asOf.UtcTicks).Select(o => (o.ReportedTicks, o.Id)));
        var (incidentIds, down) = await ReadIdsAndOutagesAsync(reader, ct);

        foreach (var o in open)
        {
            var key = (o.Class, o.System, o.Bucket);
            var t = finest.TryGetValue(key, out var found) ? found : finest[key] = new Tally();
            Count(t, o, -1, null);
            Count(t, o, 1, asOf.UtcTicks);
        }

        var evidenceLists = lists.Select(l => (IReadOnlyList<Guid>)l.Distinct().OrderBy(x => x.Ticks).ThenBy(x => x.Id).Take(EvidenceLimit)
            .Select(x => x.Id).ToList()).ToArray();
        var cellList = finest.Select(c => new Cell(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Value))
            .Where(c => c.Tally.Incidents != 0 || c.Tally.Live != 0).ToList();
        return Assemble(request, asOf, buckets, cellList, quantiles, evidenceLists, incidentIds, down);
    }

    private static int DayKey(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    /// <summary>Nearest rank over a histogram (buckets in ascending order): the bucket holding rank ceil(p * n).</summary>
    private static double[]? NearestRank(List<(double Bucket, long N)> histogram)
    {
        var n = histogram.Sum(h => h.N);
        if (n <= 0)
        {
            return null;
        }

        return [.. new[] { 0.5, 0.9 }.Select(p =>
        {
            var rank = Math.Max(1, (long)Math.Ceiling(p * n));
            var seen = 0L;
            foreach (var (bucket, count) in histogram)
            {
                seen += count;
                if (seen >= rank)
                {
                    return bucket;
                }
            }

            return histogram[^1].Bucket;
        })];
    }

    /// <summary>
    /// Adds (<paramref name="sign"/> 1) or removes (-1) one incident's contribution, as the cells count it for good
    /// (<paramref name="asOf"/> null: open stages missed, any resolution counted) or judged at an instant.
    /// Mirrors <see cref="KpiCells.Measures"/>.
    /// </summary>
    private static void Count(Tally t, Unsettled o, int sign, long? asOf)
    {
        if (asOf is { } reportedBy && o.ReportedTicks > reportedBy)
        {
            return;
        }

        t.Incidents += sign;
        if (o.Cancelled)
        {
            return;
        }

        t.Live += sign;
        for (var s = 0; s < 3; s++)
        {
            switch (o.States[s])
            {
                case 1:
                    t.Met[s] += sign;
                    break;
                case 2:
                    t.Missed[s] += sign;
                    break;
                case 3 when asOf is not { } at || o.Dues[s] < at:
                    t.Missed[s] += sign;
                    break;
                case 3:
                    t.Running[s] += sign;
                    break;
            }
        }

        if (o.ResolvedTicks is { } resolved && (asOf is not { } until || resolved <= until))
        {
            t.Resolved += sign;
        }

        if (o.Rating is { } rating)
        {
            t.Rated += sign;
            t.Satisfied += rating >= 4 ? sign : 0;
        }

        if (o.Class == IncidentClass.MajorEvent)
        {
            t.Majors += sign;
            t.FastMajors += o.Durations[0] <= KpiCalculator.MajorEventResponseSeconds ? sign : 0;
        }

        for (var d = 0; d < DurationColumns.Length; d++)
        {
            if (o.Durations[d] is { } value)
            {
                t.Sums[d] += sign * value;
                t.Counts[d] += sign;
            }
        }
    }
}
