using System.Data.Common;
using System.Globalization;
using Incidents.Domain.Kpis;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;

namespace Incidents.Projections.Kpis;

/// <summary>
/// Pre-aggregated KPI figures of the incidents that are <b>finished</b> (<see cref="InCells"/>: resolved or cancelled), kept
/// by PostgreSQL in the same transaction as the per-incident rows (<see cref="IncidentKpiFacts"/>): a trigger on the rows
/// subtracts a finished row's old contribution and adds its new one. Open incidents are not in the cells: a report and
/// every step before the resolution leave the cells alone (the trigger does not even fire, by its <c>WHEN</c> clause), so
/// concurrent reports never wait on a shared cell row; a KPI query adds the open incidents of its period from their rows
/// (<see cref="NotInCells"/>, a partial index).
/// <list type="bullet">
/// <item><c>kpi_cells</c>: per (local day, class, system, drill flag) the counts and duration sums of the finished incidents
/// as they count for good (a resolution counted whenever it happened), and the latest <c>settled_ticks</c> of its
/// incidents. A query judged at an instant takes the cells and corrects them with the few finished incidents not yet
/// settled at that instant (their rows: resolved after it).</item>
/// <item><c>kpi_durations</c>: per (local year, drill flag, measure) a histogram of the durations of finished live incidents,
/// in buckets of three significant figures (whole seconds below 100 s): a year's p50 and p90 without sorting its
/// incidents.</item>
/// </list>
/// Counted by the database, not by an asynchronous projection, so that a report read right after a write includes it and
/// concurrent writers never overwrite each other's counts (increments under the row lock of the cell).
/// </summary>
public static class KpiCells
{
    public const string CellsTable = "kpi_cells";
    public const string MonthCellsTable = "kpi_month_cells";
    public const string DurationsTable = "kpi_durations";

    /// <summary>The four durations: to acknowledge, to be on site, to restore, to resolve (measure 0..3 in <c>kpi_durations</c>).</summary>
    public static readonly string[] DurationColumns = ["acknowledge_seconds", "on_site_seconds", "restore_seconds", "resolve_seconds"];

    /// <summary>The SLA stages' column prefixes, in <see cref="Domain.Sla.SlaStage"/> order.</summary>
    public static readonly string[] StageColumns = ["acknowledge", "on_site", "restore"];

    /// <summary>The columns of a cell that add up: (name, SQL of one row's contribution, with {0} the row alias).</summary>
    public static readonly (string Name, string Type, string Contribution)[] Measures =
    [
        ("incidents", "integer", "1"),
        ("live", "integer", "(not {0}.cancelled)::int"),
        .. StageColumns.SelectMany(s => new[]
        {
            ($"met_{s}", "integer", $"(not {{0}}.cancelled and {{0}}.{s}_state = 1)::int"),
            ($"missed_{s}", "integer", $"(not {{0}}.cancelled and {{0}}.{s}_state in (2, 3))::int"),
        }),
        ("resolved", "integer", "(not {0}.cancelled and {0}.resolved_ticks is not null)::int"),
        ("rated", "integer", "(not {0}.cancelled and {0}.rating is not null)::int"),
        ("satisfied", "integer", "(not {0}.cancelled and {0}.rating >= 4)::int"),
        ("majors", "integer", "(not {0}.cancelled and {0}.class = 'MajorEvent')::int"),
        ("fast_majors", "integer",
            "(not {0}.cancelled and {0}.class = 'MajorEvent' and {0}.acknowledge_seconds <= " + KpiCalculator.MajorEventResponseSeconds + ")::int"),
        .. DurationColumns.SelectMany(d => new[]
        {
            ($"sum_{d}", "double precision", $"(case when {{0}}.cancelled then 0 else coalesce({{0}}.{d}, 0) end)"),
            ($"n_{d}", "integer", $"(not {{0}}.cancelled and {{0}}.{d} is not null)::int"),
        }),
    ];

    /// <summary>
    /// Rows not in the cells: open incidents (neither resolved nor cancelled). The predicate of the partial index
    /// <c>mt_doc_incidentkpifacts_idx_kpi_unresolved</c> (the unresolved evidence list), so the query finds a period's open
    /// incidents through it. Written as PostgreSQL renders it back (the start-up schema check compares index predicates).
    /// </summary>
    public const string NotInCells = "not cancelled and resolved_ticks is null";

    /// <summary>
    /// The columns the KPI query reads from the open incidents (counts judged at an instant, durations, filters), included in
    /// the partial index of <see cref="NotInCells"/>: the open incidents of a period are then read from the index alone.
    /// </summary>
    public static readonly string[] OpenIncidentColumns =
    [
        "class", "affected_system", "is_drill", "local_day", "cancelled", "resolved_ticks", "rating",
        .. StageColumns.SelectMany(s => new[] { $"{s}_state", $"{s}_due_ticks" }), .. DurationColumns,
    ];

    /// <summary>
    /// Whether a row (<paramref name="row"/>: <c>old</c> or <c>new</c>) is counted in the cells: resolved or cancelled, the
    /// negation of <see cref="NotInCells"/>. Such a row has no SLA stage open (a resolution stops every stage, a
    /// cancellation leaves the open ones unjudged), so from <c>settled_ticks</c> = its report or resolution on it counts the
    /// same at any instant. Reopening (resolution cleared) moves it out again. In the form PostgreSQL renders in a trigger's
    /// <c>WHEN</c> clause (the start-up schema check compares it).
    /// </summary>
    public static string InCells(string row) => $"{row}.cancelled OR ({row}.resolved_ticks IS NOT NULL)";

    /// <summary>The row columns whose change moves the cells or the histograms.</summary>
    private static readonly string[] Tracked =
    [
        "local_day", "class", "affected_system", "is_drill", "cancelled", "acknowledge_state", "on_site_state", "restore_state",
        "resolved_ticks", "rating", "settled_ticks", .. DurationColumns,
    ];

    public static void Configure(StoreOptions options)
    {
        var schema = options.DatabaseSchemaName;
        var rows = PostgresqlProvider.Instance.Parse($"{schema}.mt_doc_incidentkpifacts");

        Table Cells(string name, string key)
        {
            var table = new Table(PostgresqlProvider.Instance.Parse($"{schema}.{name}"));
            table.AddColumn<int>(key).AsPrimaryKey();
            table.AddColumn("class", "varchar").AsPrimaryKey();
            table.AddColumn("affected_system", "varchar").AsPrimaryKey();
            table.AddColumn<bool>("is_drill").AsPrimaryKey();
            foreach (var (measure, type, _) in Measures)
            {
                table.AddColumn(measure, type).NotNull().DefaultValueByExpression("0");
            }

            table.AddColumn("max_settled", "bigint").NotNull().DefaultValueByExpression("0");
            return table;
        }

        // Days for day buckets and for finding the incidents not yet settled (by max_settled); months for years and months.
        var cells = Cells(CellsTable, "day");
        cells.Indexes.Add(new IndexDefinition($"{CellsTable}_idx_max_settled") { Columns = ["max_settled"] });
        var monthCells = Cells(MonthCellsTable, "month");

        var durations = new Table(PostgresqlProvider.Instance.Parse($"{schema}.{DurationsTable}"));
        durations.AddColumn<int>("year").AsPrimaryKey();
        durations.AddColumn<bool>("is_drill").AsPrimaryKey();
        durations.AddColumn<int>("measure").AsPrimaryKey();
        durations.AddColumn("bucket", "double precision").AsPrimaryKey();
        durations.AddColumn("n", "integer").NotNull().DefaultValueByExpression("0");

        // Functions written as PostgreSQL renders them (pg_get_functiondef), so that the schema check at start-up finds them
        // unchanged instead of replacing them (and the triggers with them) at every start.
        var bucket = Function.ForSql($"""
            CREATE OR REPLACE FUNCTION {schema}.kpi_duration_bucket(v double precision)
             RETURNS double precision
             LANGUAGE sql
             IMMUTABLE
            AS $function$
              select case when v < 100 then floor(v)
                          else floor(v / 10 ^ (floor(log(v)) - 2)) * 10 ^ (floor(log(v)) - 2) end
            $function$;
            """);
        // Only called for rows in the cells before or after the change (the triggers' WHEN clauses): a report and the steps
        // of an open incident never get here. A change that keeps the row in the same cell moves the cell by the difference
        // (one upsert per table), and the histograms only move when a duration (or its year or drill flag) does.
        var track = Function.ForSql($"""
            CREATE OR REPLACE FUNCTION {schema}.kpi_cells_track()
             RETURNS trigger
             LANGUAGE plpgsql
            AS $function$
            declare
              was_in boolean := tg_op in ('UPDATE', 'DELETE') and ({InCells("old")});
              is_in boolean := tg_op in ('INSERT', 'UPDATE') and ({InCells("new")});
            begin
              if tg_op = 'TRUNCATE' then
                delete from {schema}.{CellsTable};
                delete from {schema}.{MonthCellsTable};
                delete from {schema}.{DurationsTable};
                return null;
              end if;
              if tg_op = 'UPDATE' and ({string.Join(", ", Tracked.Select(c => "old." + c))}) is not distinct from ({string.Join(", ", Tracked.Select(c => "new." + c))}) then
                return null;
              end if;
              if was_in and is_in and (old.local_day, old.class, old.affected_system, old.is_drill) = (new.local_day, new.class, new.affected_system, new.is_drill) then
            {AddToCells(schema, Measures.Select(m => $"{Contribution(m, "new")} - {Contribution(m, "old")}"), "new")}
              else
                if was_in then
            {AddToCells(schema, Measures.Select(m => $"-{Contribution(m, "old")}"), "old")}
                end if;
                if is_in then
            {AddToCells(schema, Measures.Select(m => Contribution(m, "new")), "new")}
                end if;
              end if;
            {Histograms(schema)}
              return null;
            end
            $function$;
            """);

        // One trigger per event: PostgreSQL renders a multi-event trigger's events in its own order, which the start-up schema
        // check would take for a change. Each row trigger fires only for rows in the cells before or after the change (WHEN,
        // evaluated by PostgreSQL without calling the function): open incidents cost nothing here.
        Trigger On(string name, TriggerEvents events, bool forEachRow, string? condition) =>
            new KpiTrigger(PostgresqlProvider.Instance.Parse($"{schema}.kpi_cells_on_{name}"), rows, schema, "kpi_cells_track()")
            {
                Timing = TriggerTiming.After,
                Events = events,
                ForEachRow = forEachRow,
                Condition = condition,
            };
        ISchemaObject[] triggers =
        [
            On("insert", TriggerEvents.Insert, true, $"({InCells("new")})"),
            On("update", TriggerEvents.Update, true, $"({InCells("old")} OR {InCells("new")})"),
            On("delete", TriggerEvents.Delete, true, $"({InCells("old")})"),
            On("truncate", TriggerEvents.Truncate, false, null),
        ];
        options.Storage.Add(new Feature([cells, monthCells, durations, bucket, track, .. triggers], options.Advanced.Migrator));
    }

    /// <summary>The cells, their functions and the triggers, created after the row table they hang on.</summary>
    private sealed class Feature(ISchemaObject[] objects, Migrator migrator) : FeatureSchemaBase("KpiCells", migrator)
    {
        public override IEnumerable<Type> DependentTypes() => [typeof(IncidentKpiFacts)];

        protected override IEnumerable<ISchemaObject> schemaObjects() => objects;
    }

    /// <summary>One row's contribution to a measure (never null).</summary>
    private static string Contribution((string Name, string Type, string Contribution) measure, string row) =>
        $"coalesce({string.Format(CultureInfo.InvariantCulture, measure.Contribution, row)}, 0)";

    /// <summary>The upserts adding <paramref name="values"/> (one per measure) to the day and month cells of <paramref name="row"/>.</summary>
    private static string AddToCells(string schema, IEnumerable<string> values, string row)
    {
        var names = string.Join(", ", Measures.Select(m => m.Name));
        var list = string.Join(", ", values);
        var sums = string.Join(", ", Measures.Select(m => $"{m.Name} = c.{m.Name} + excluded.{m.Name}"));
        string Cell(string table, string key, string keyValue) => $"""
                insert into {schema}.{table} as c ({key}, class, affected_system, is_drill, {names}, max_settled)
                values ({keyValue}, {row}.class, {row}.affected_system, {row}.is_drill, {list}, {row}.settled_ticks)
                on conflict ({key}, class, affected_system, is_drill) do update set {sums},
                  max_settled = greatest(c.max_settled, excluded.max_settled);
            """;
        return Cell(CellsTable, "day", $"{row}.local_day") + "\n" + Cell(MonthCellsTable, "month", $"{row}.local_day / 100");
    }

    /// <summary>
    /// Per duration: when the bucket it counts in changed (in or out of the cells, cancelled, year, drill flag or value), one
    /// out of the old bucket and one into the new.
    /// </summary>
    private static string Histograms(string schema)
    {
        string Counted(string row, string inCells, string d) => $"{inCells} and not {row}.cancelled and {row}.{d} is not null";
        string Upsert(string row, int measure, string d, string sign) => $"""
                  insert into {schema}.{DurationsTable} as h (year, is_drill, measure, bucket, n)
                  values ({row}.local_day / 10000, {row}.is_drill, {measure}, {schema}.kpi_duration_bucket({row}.{d}), {sign})
                  on conflict (year, is_drill, measure, bucket) do update set n = h.n + excluded.n;
            """;
        return string.Join("\n", DurationColumns.Select((d, i) => $"""
              if ({Counted("old", "was_in", d)}, old.local_day / 10000, old.is_drill, {schema}.kpi_duration_bucket(old.{d}))
                 is distinct from ({Counted("new", "is_in", d)}, new.local_day / 10000, new.is_drill, {schema}.kpi_duration_bucket(new.{d})) then
                if {Counted("old", "was_in", d)} then
            {Upsert("old", i, d, "-1")}
                end if;
                if {Counted("new", "is_in", d)} then
            {Upsert("new", i, d, "1")}
                end if;
              end if;
            """));
    }

    /// <summary>
    /// A trigger that also recognises its function rendered unqualified: where the schema is on the database user's
    /// search_path (development: user and schema are both <c>incidents</c>), <c>pg_get_triggerdef</c> leaves the schema
    /// off the function, which Weasel's own comparison would take for a change and re-create the trigger at every start.
    /// </summary>
    private sealed class KpiTrigger(DbObjectName identifier, DbObjectName target, string schema, string function)
        : Trigger(identifier, target, $"{schema}.{function}")
    {
        public override async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
        {
            var existing = await reader.ReadAsync(ct) && !await reader.IsDBNullAsync(0, ct) ? await reader.GetFieldValueAsync<string>(0, ct) : null;
            if (string.IsNullOrWhiteSpace(existing))
            {
                return new SchemaObjectDelta(this, SchemaPatchDifference.Create);
            }

            var unqualified = NormalizeBody(existing).Replace(NormalizeBody($"EXECUTE FUNCTION {function}"),
                NormalizeBody($"EXECUTE FUNCTION {schema}.{function}"), StringComparison.Ordinal);
            return Matches(existing) || Matches(unqualified)
                ? new SchemaObjectDelta(this, SchemaPatchDifference.None)
                : new SchemaObjectDelta(this, SchemaPatchDifference.Update);
        }
    }
}
