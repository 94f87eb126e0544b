using Incidents.Contracts;
using Incidents.Dispatch;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>What a person reads: times in the service's time zone with the zone named, statuses in words, SMS in one segment.</summary>
public sealed class TemplateTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>17:30 UTC on 1 December is 01:30 on 2 December in Beijing: the date changes too.</summary>
    private static readonly DateTimeOffset LateEvening = new(2026, 12, 1, 17, 30, 5, TimeSpan.Zero);

    private static Notice Breach(string title = "Settlement down", bool drill = false) => Notice.From(new IncidentSlaBreached(Guid.NewGuid(),
        title, "outage", "medical-insurance-settlement", drill, "acknowledge", "PT5M", LateEvening, 3));

    [Fact]
    public void a_breach_reads_in_chinese_with_beijing_time_and_the_target_in_words()
    {
        var message = Templates.Render(Breach(), "zh-CN", "https://incidents.example.gov.cn/incidents", Shanghai);

        message.Subject.ShouldBe("【超时】服务中断 - medical-insurance-settlement：Settlement down");
        message.Body.ShouldContain("状态：响应超时（时限 5 分钟）");
        message.Body.ShouldContain("时间：2026-12-02 01:30:05（UTC+08:00，Asia/Shanghai）");
        message.Body.ShouldNotContain("breached:");
    }

    [Fact]
    public void a_breach_reads_in_english_with_the_same_local_time()
    {
        var message = Templates.Render(Breach(), "en", "https://incidents.example.gov.cn/incidents", Shanghai);

        message.Body.ShouldContain("Status: acknowledge target of 5 min missed");
        message.Body.ShouldContain("At: 2026-12-02 01:30:05 (UTC+08:00, Asia/Shanghai)");
    }

    [Fact]
    public void warnings_and_escalations_are_worded()
    {
        var warning = Notice.From(new IncidentSlaWarning(Guid.NewGuid(), "Portal slow", "fault", "claims-portal", false, "on-site", 0.8,
            LateEvening.AddMinutes(60), LateEvening, 2));
        StatusWords.Describe(warning.ClockState, english: false).ShouldBe("到场时限已过 80%");
        StatusWords.Describe(warning.ClockState, english: true).ShouldBe("80% of the on-site time used");

        var escalated = Notice.From(new IncidentEscalated(Guid.NewGuid(), "Portal down", "outage", "claims-portal", false, 3, 2,
            "management and purchaser", ["project-manager"], "sla-breached", "restore", LateEvening, null, 9));
        StatusWords.Describe(escalated.ClockState, english: false).ShouldBe("升级至第 3 级（management and purchaser），第 2 轮，原因：超时（恢复）");
        StatusWords.Describe(escalated.ClockState, english: true).ShouldBe("escalated to level 3 (management and purchaser), round 2: target missed (restore)");
        StatusWords.Duration("PT4H", english: false).ShouldBe("4 小时");
        StatusWords.Duration("PT1H30M", english: true).ShouldBe("1 h 30 min");
    }

    [Fact]
    public void an_sms_fits_one_segment_even_for_a_long_title_and_keeps_the_drill_mark()
    {
        var message = Templates.Render(Breach(new string('长', 200), drill: true), "zh-CN", "https://x/incidents", Shanghai);

        message.Short.Length.ShouldBeLessThanOrEqualTo(Templates.SmsLength);
        message.Short.ShouldStartWith("【演练】【超时】medical-insurance-settlement：响应超时");
        message.Short.ShouldEndWith("01:30");
    }
}
