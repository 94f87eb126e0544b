namespace Incidents.Api.Security;

/// <summary>The roles a token may carry in its <c>role</c> claim (docs/security.md has the whole matrix).</summary>
public static class Roles
{
    /// <summary>The hotline desk: reports incidents and works every step of them.</summary>
    public const string Hotline = "hotline";

    /// <summary>An engineer: acknowledges any incident, works the ones assigned to them or their team.</summary>
    public const string Responder = "responder";

    /// <summary>Runs drills: schedules and ends them, reports drill incidents and sees drills only.</summary>
    public const string DrillCoordinator = "drill-coordinator";

    /// <summary>Reads everything, changes nothing; verifies the audit chain.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Configures the system (policies, recipients, chains, calendars); reads incidents, does not work them.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Hotline, Responder, DrillCoordinator, Supervisor, Admin];
}

/// <summary>The authorization policies endpoints name in <c>[Authorize(Policy = ...)]</c>.</summary>
public static class Policies
{
    /// <summary>Read incidents, timelines and SLA clocks. Drill coordinators pass, but see drills only.</summary>
    public const string ReadIncidents = "incidents.read";

    /// <summary>Report an incident. Drill coordinators pass, but may report drills only.</summary>
    public const string ReportIncidents = "incidents.report";

    /// <summary>The steps engineers take. Responders pass, but only on incidents assigned to them or their team (acknowledge: any).</summary>
    public const string WorkIncidents = "incidents.work";

    /// <summary>The desk's own steps: assign, reclassify, close, reopen, cancel.</summary>
    public const string RunIncidents = "incidents.run";

    /// <summary>Schedule, reschedule, start, complete and cancel drills.</summary>
    public const string ManageDrills = "drills.manage";

    /// <summary>Read drill plans, scorecards, the drill calendar and the yearly compliance view.</summary>
    public const string ReadDrills = "drills.read";

    /// <summary>Verify the tamper-evident event chain.</summary>
    public const string VerifyIntegrity = "integrity.verify";

    /// <summary>Read KPIs, the monthly service reports and their due dates.</summary>
    public const string ReadKpis = "kpis.read";

    /// <summary>Issue the monthly service report (an event; on time or late against its due date).</summary>
    public const string IssueReports = "reports.issue";

    /// <summary>Set up alert integrations (issue #12): create, change the mapping, rotate and revoke keys.</summary>
    public const string ManageIntegrations = "integrations.manage";

    /// <summary>Which roles each policy admits. The rest of the rule (assignment, drills only) lives in the write/read path.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [ReadIncidents] = [Roles.Hotline, Roles.Responder, Roles.DrillCoordinator, Roles.Supervisor, Roles.Admin],
        [ReportIncidents] = [Roles.Hotline, Roles.DrillCoordinator],
        [WorkIncidents] = [Roles.Hotline, Roles.Responder],
        [RunIncidents] = [Roles.Hotline],
        [VerifyIntegrity] = [Roles.Supervisor, Roles.Admin],
        [ManageDrills] = [Roles.DrillCoordinator],
        [ReadDrills] = [Roles.DrillCoordinator, Roles.Supervisor, Roles.Admin],
        [ReadKpis] = [Roles.Supervisor, Roles.Admin],
        [IssueReports] = [Roles.Admin],
        [ManageIntegrations] = [Roles.Admin],
    };
}
