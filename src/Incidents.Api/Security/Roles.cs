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

    /// <summary>
    /// The purchaser (采购人, issue #13): reads what a supervisor reads, and is the only role that confirms or returns the
    /// documents the contract asks it to check (monthly reports, outage and security reports, drill scorecards) and
    /// approves grants (docs/security.md).
    /// </summary>
    public const string Purchaser = "purchaser";

    /// <summary>Keeps the duty rosters (rotations, overrides, swaps); reads people and who is on duty (issue #11).</summary>
    public const string DutyManager = "duty-manager";

    public static readonly IReadOnlyList<string> All = [Hotline, Responder, DrillCoordinator, Supervisor, Admin, Purchaser, DutyManager];
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

    /// <summary>Take an anchor checkpoint of every chain head on demand (besides the schedule): the admin only.</summary>
    public const string AnchorIntegrity = "integrity.anchor";

    /// <summary>Read KPIs, the monthly service reports and their due dates.</summary>
    public const string ReadKpis = "kpis.read";

    /// <summary>Issue the monthly service report (an event; on time or late against its due date).</summary>
    public const string IssueReports = "reports.issue";

    /// <summary>Plan and cancel key-assurance periods (重保; docs/assurance.md).</summary>
    public const string PlanKeyAssurance = "assurance.plan";

    /// <summary>Read key-assurance periods, their resource adjustments and the yearly compliance view.</summary>
    public const string ReadKeyAssurance = "assurance.read";

    /// <summary>Raise resource adjustments during an active key-assurance period and record them done.</summary>
    public const string AdjustResources = "assurance.adjust";
    /// <summary>Read outage and security reports (the engineers who write them, and everyone who reads like a supervisor).</summary>
    public const string ReadReports = "reports.read";

    /// <summary>Write outage and security reports: mark a security event, complete sections and actions, submit, record notices.</summary>
    public const string WriteReports = "reports.write";

    /// <summary>Confirm or return a document (monthly report, outage/security report, drill scorecard): the purchaser only.</summary>
    public const string ReviewDocuments = "documents.review";

    /// <summary>
    /// Approve grants of rights (role grants, integration keys): the purchaser only, who keeps the highest administrative
    /// right (contract 4.1 item 2). No endpoint grants rights yet; any that does must name this policy.
    /// </summary>
    public const string ApproveGrants = "grants.approve";
    /// <summary>Register, change, deactivate people of the directory (issue #11).</summary>
    public const string ManagePeople = "people.manage";

    /// <summary>Create and change rosters: schedules, overrides, swaps (issue #11).</summary>
    public const string ManageRosters = "rosters.manage";

    /// <summary>Read people, rosters, shifts, calendars and who is on duty: everyone authenticated (issue #11).</summary>
    public const string ReadOnCall = "oncall.read";
    /// <summary>Announce planned maintenance windows (the operations side).</summary>
    public const string AnnounceMaintenance = "maintenance.announce";

    /// <summary>Read maintenance windows and force-majeure claims.</summary>
    public const string ReadMaintenance = "maintenance.read";

    /// <summary>Approve or refuse what the contract lets only the purchaser excuse: maintenance windows, force majeure.</summary>
    public const string ApproveExclusions = "contract.approve-exclusions";

    /// <summary>Read the contract year's acceptance report.</summary>
    public const string ReadAcceptance = "contract.acceptance.read";
    /// <summary>Set up alert integrations (issue #12): create, change the mapping, rotate and revoke keys.</summary>
    public const string ManageIntegrations = "integrations.manage";

    /// <summary>Which roles each policy admits. The rest of the rule (assignment, drills only) lives in the write/read path.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [ReadIncidents] = [Roles.Hotline, Roles.Responder, Roles.DrillCoordinator, Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [ReportIncidents] = [Roles.Hotline, Roles.DrillCoordinator],
        [WorkIncidents] = [Roles.Hotline, Roles.Responder],
        [RunIncidents] = [Roles.Hotline],
        [VerifyIntegrity] = [Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [AnchorIntegrity] = [Roles.Admin],
        [ManageDrills] = [Roles.DrillCoordinator],
        [ReadDrills] = [Roles.DrillCoordinator, Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [ReadKpis] = [Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [IssueReports] = [Roles.Admin],
        [PlanKeyAssurance] = [Roles.Admin],
        [ReadKeyAssurance] = [Roles.Hotline, Roles.Responder, Roles.DrillCoordinator, Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [AdjustResources] = [Roles.Hotline, Roles.Responder],
        [ReadReports] = [Roles.Hotline, Roles.Responder, Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [WriteReports] = [Roles.Hotline, Roles.Responder],
        [ReviewDocuments] = [Roles.Purchaser],
        [ApproveGrants] = [Roles.Purchaser],
        [ManagePeople] = [Roles.Admin],
        [ManageRosters] = [Roles.Admin, Roles.DutyManager],
        [ReadOnCall] = [Roles.Hotline, Roles.Responder, Roles.DrillCoordinator, Roles.Supervisor, Roles.Admin, Roles.Purchaser, Roles.DutyManager],
        [AnnounceMaintenance] = [Roles.Admin],
        [ReadMaintenance] = [Roles.Hotline, Roles.Responder, Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [ApproveExclusions] = [Roles.Purchaser],
        [ReadAcceptance] = [Roles.Supervisor, Roles.Admin, Roles.Purchaser],
        [ManageIntegrations] = [Roles.Admin],
    };
}
