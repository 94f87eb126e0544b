using Incidents.Contracts;
using Incidents.Dispatch;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>The hand-off notice as the incoming person reads it: Chinese, Beijing time named, the worst clock in words, SMS in one segment.</summary>
public sealed class HandOffTemplateTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly DateTimeOffset At = new(2026, 10, 1, 1, 0, 0, TimeSpan.Zero); // 09:00 in Beijing

    private static ShiftHandOffAnnounced HandOff(HandOffWorstClock? worst, int drills = 0) => new(Guid.NewGuid(), Guid.NewGuid(),
        "国庆一线值班", At, "cai", "蔡明", new PagedRecipient("hua", "华丽", "roster:x", "holiday", null, "国庆一线值班", "+8613800000000",
            "hua@example.org", null, null, null), At.AddDays(1), 2, drills, worst, At);

    [Fact]
    public void a_breached_worst_clock_reads_as_overdue_with_beijing_times_and_the_drills_apart()
    {
        var worst = new HandOffWorstClock(Guid.NewGuid(), "结算服务中断", "medical-insurance-settlement", "on-site", At.AddMinutes(-75),
            TimeSpan.FromMinutes(-75), true);

        var message = HandOffTemplate.Render(HandOff(worst, drills: 1), "https://incidents.example.gov.cn/incidents", Shanghai);

        message.Subject.ShouldBe("【交接班】国庆一线值班：华丽 接班，在办事件 2 起");
        message.Body.ShouldContain("接班人：华丽（节假日值班）");
        message.Body.ShouldContain("交班人：蔡明");
        message.Body.ShouldContain("交接时间：2026-10-01 09:00:00（UTC+08:00，Asia/Shanghai）");
        message.Body.ShouldContain("在办事件：2 起（另有演练 1 起，不计入）");
        message.Body.ShouldContain("medical-insurance-settlement「结算服务中断」到场已超时 1 小时 15 分钟（时限 2026-10-01 07:45:00（UTC+08:00，Asia/Shanghai））");
        message.Body.ShouldContain($"链接：https://incidents.example.gov.cn/incidents/{worst.IncidentId}");
        message.Short.ShouldStartWith("【交接班】09:00 华丽接班，在办2起，最紧迫：到场已超时 1 小时 15 分钟");
        message.Short.Length.ShouldBeLessThanOrEqualTo(Templates.SmsLength);
    }

    [Fact]
    public void without_a_running_clock_the_notice_says_so_and_the_sms_stays_in_one_segment()
    {
        var message = HandOffTemplate.Render(HandOff(null), "https://incidents.example.gov.cn/incidents", Shanghai);

        message.Body.ShouldContain("最紧迫时限：无计时中的时限");
        message.Short.ShouldBe("【交接班】09:00 华丽接班，在办2起");
        var longName = HandOffTemplate.Render(HandOff(new HandOffWorstClock(Guid.NewGuid(), "t", new string('x', 90), "acknowledge",
            At.AddMinutes(3), TimeSpan.FromMinutes(3), false)), "https://x", Shanghai);
        longName.Short.Length.ShouldBe(Templates.SmsLength);
        longName.Short.ShouldEndWith("…");
    }
}
