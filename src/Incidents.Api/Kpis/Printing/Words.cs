using Incidents.Domain.Drills;
using Incidents.Domain.Incidents;
using Incidents.Domain.Kpis;
using Incidents.Domain.Sla;

namespace Incidents.Api.Kpis.Printing;

/// <summary>The words printed documents use for codes: figures, stages, classes, statuses, in zh-CN and English.</summary>
public static class Words
{
    public static string Figure(PrintLanguage l, string figure) => figure switch
    {
        "availability" => l.T("系统可用性", "Availability"),
        "fault-response-rate" => l.T("故障响应率", "Fault response rate"),
        "fault-resolution-rate" => l.T("故障解决率", "Fault resolution rate"),
        "user-satisfaction" => l.T("用户满意度", "User satisfaction"),
        "major-event-response-1-minute" => l.T("重大事件1分钟响应率", "Major events answered within 1 minute"),
        _ => figure,
    };

    public static string Stage(PrintLanguage l, SlaStage stage) => stage switch
    {
        SlaStage.Acknowledge => l.T("响应", "Acknowledge"),
        SlaStage.OnSite => l.T("到场", "On site"),
        _ => l.T("恢复", "Restore"),
    };

    public static string Class(PrintLanguage l, IncidentClass c) => c switch
    {
        IncidentClass.Outage => l.T("宕机", "Outage"),
        IncidentClass.Fault => l.T("故障", "Fault"),
        IncidentClass.MajorEvent => l.T("重大事件", "Major event"),
        _ => l.T("安全事件", "Security event"),
    };

    public static string StageStatus(PrintLanguage l, SlaStageStatus s) => s switch
    {
        SlaStageStatus.Met => l.T("按时完成", "met"),
        SlaStageStatus.MetLate => l.T("超时完成", "met late"),
        SlaStageStatus.Breached => l.T("已超时，未完成", "overdue, still open"),
        SlaStageStatus.Running => l.T("进行中", "running"),
        _ => l.T("不适用", "not applicable"),
    };

    public static string Exclusion(PrintLanguage l, KpiExclusionKind kind) => kind == KpiExclusionKind.PlannedMaintenance
        ? l.T("计划内维护（采购人已批准）", "Planned maintenance (approved by the purchaser)")
        : l.T("不可抗力（采购人已确认）", "Force majeure (accepted by the purchaser)");

    public static string DrillKind(PrintLanguage l, DrillKind? kind) => kind switch
    {
        Domain.Drills.DrillKind.CloudPlatformEmergencyDrill => l.T("云平台应急演练", "Cloud platform emergency drill"),
        Domain.Drills.DrillKind.DataDisasterRecoveryDrill => l.T("数据灾备演练", "Data disaster recovery drill"),
        Domain.Drills.DrillKind.EmergencyPlanExercise => l.T("应急预案演练", "Emergency plan exercise"),
        Domain.Drills.DrillKind.SecurityIncidentDrill => l.T("安全事件演练", "Security incident drill"),
        _ => "",
    };
}
