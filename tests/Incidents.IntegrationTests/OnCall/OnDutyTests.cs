using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests.OnCall;

/// <summary>
/// Issue #11: escalation pages whoever the roster says is on duty at that instant, records who and why in the event, goes
/// on at once past a level with nobody on duty, and keeps what it recorded when the roster changes later.
/// </summary>
public sealed class OnDutyTests(OnDutyFixture fixture) : IClassFixture<OnDutyFixture>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private TestClock Clock => fixture.Clock;

    [Fact]
    public async Task an_outage_at_three_in_the_morning_pages_whoever_the_roster_says_and_a_later_override_keeps_the_recorded_past()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var ann = await fixture.PersonAsync($"ann-{tag}", "Ann", "duty-engineer");
        var bob = await fixture.PersonAsync($"bob-{tag}", "Bob", "duty-engineer", email: $"bob-{tag}@example.org");
        var cai = await fixture.PersonAsync($"cai-{tag}", "Cai", "duty-engineer");
        var pm = await fixture.PersonAsync($"pm-{tag}", "Pat", "project-manager");

        // The test clock starts on Tue 4 Mar 2031, 09:00 in Beijing. The rotation started the day before with ann: bob today.
        var today = new DateOnly(Clock.Now.ToOffset(Beijing).Year, Clock.Now.ToOffset(Beijing).Month, Clock.Now.ToOffset(Beijing).Day);
        var roster = await OnDutyFixture.OkAsync(await fixture.DutyManager.Http.PostAsJsonAsync("/api/v1/rosters", new
        {
            name = $"L1 duty {tag}",
            role = "duty-engineer",
            is24x7 = true,
            layers = new[]
            {
                new { name = "engineers", precedence = 0, rotation = "daily", handOff = "09:00", members = new[] { ann, bob, cai },
                    days = "every", startsOn = today.AddDays(-1).ToString("yyyy-MM-dd") },
            },
        }), HttpStatusCode.Created);
        var rosterId = roster["id"]!.GetValue<Guid>();

        // 03:00 the next night in Beijing: still bob's duty day (it ends at the 09:00 hand-off).
        var threeAm = new DateTimeOffset(today.AddDays(1).ToDateTime(new TimeOnly(3, 0)), Beijing).ToUniversalTime();
        Clock.MoveTo(threeAm);
        var id = await fixture.Desk.ReportOutageAsync($"oncall-{tag}");

        var level1 = (await LevelsAsync(id)).ShouldHaveSingleItem()["data"]!;
        var paged = level1["paged"]!.AsArray().ShouldHaveSingleItem()!;
        paged["personId"]!.GetValue<string>().ShouldBe(bob);
        paged["reason"]!.GetValue<string>().ShouldBe("rotation");
        paged["rosterId"]!.GetValue<Guid>().ShouldBe(rosterId);
        paged["layer"]!.GetValue<string>().ShouldBe("engineers");

        // The worker is told whom to page and on which channels, on the report's own message.
        var opened = (await fixture.Broker.WaitForAsync(id, m => m.Any(x => x.MessageType.Contains("IncidentOpened"))))
            .First(m => m.MessageType.Contains("IncidentOpened")).Message;
        var recipient = opened.GetProperty("firstEscalation").GetProperty("paged")[0];
        recipient.GetProperty("personId").GetString().ShouldBe(bob);
        recipient.GetProperty("email").GetString().ShouldBe($"bob-{tag}@example.org");

        // At 03:05 cai takes over until the hand-off.
        Clock.MoveTo(threeAm.AddMinutes(5).AddSeconds(-30));
        await OnDutyFixture.OkAsync(await fixture.DutyManager.Http.PostAsJsonAsync($"/api/v1/rosters/{rosterId}/overrides", new
        {
            personId = cai, from = threeAm.AddMinutes(5), to = threeAm.AddHours(6), reason = "bob is ill",
        }));

        // Nobody acknowledged in 5 minutes: level 2 finds nobody holding security-lead and goes on at once to level 3.
        await Clock.RunDueAsync(threeAm.AddMinutes(6), id);
        var levels = await LevelsAsync(id);
        levels.Count.ShouldBe(3);
        levels[1]["data"]!["gaps"]!.AsArray().ShouldHaveSingleItem()!["target"]!.GetValue<string>().ShouldBe("role:security-lead");
        levels[2]["at"]!.GetValue<DateTimeOffset>().ShouldBe(levels[1]["at"]!.GetValue<DateTimeOffset>());
        levels[2]["data"]!["paged"]!.AsArray().ShouldHaveSingleItem()!["personId"]!.GetValue<string>().ShouldBe(pm);
        var board = await fixture.Desk.GetJsonAsync("/api/v1/sla/board");
        board["entries"]!.AsArray().First(e => e!["incidentId"]!.GetValue<Guid>() == id)!["dutyGap"]!.GetValue<string>()
            .ShouldContain("role:security-lead");

        // The roster now says cai from 03:05, and still bob at 03:00; the recorded level 1 still names bob.
        var now = await fixture.Desk.GetJsonAsync($"/api/v1/on-call?role=duty-engineer&at={Uri.EscapeDataString(threeAm.AddMinutes(10).ToString("O"))}");
        var answer = now["rosters"]!.AsArray().Single(r => r!["roster"]!["id"]!.GetValue<Guid>() == rosterId)!;
        answer["now"]!["personId"]!.GetValue<string>().ShouldBe(cai);
        answer["now"]!["reason"]!.GetValue<string>().ShouldBe("override");
        var before = await fixture.Desk.GetJsonAsync($"/api/v1/on-call?role=duty-engineer&at={Uri.EscapeDataString(threeAm.ToString("O"))}");
        before["rosters"]!.AsArray().Single(r => r!["roster"]!["id"]!.GetValue<Guid>() == rosterId)!["now"]!["personId"]!.GetValue<string>()
            .ShouldBe(bob);
        (await LevelsAsync(id))[0]["data"]!["paged"]![0]!["personId"]!.GetValue<string>().ShouldBe(bob);

        // As of 03:00, the roster did not know of the override: it said bob for 03:10; now it says cai.
        var asOf = await fixture.Desk.GetJsonAsync(
            $"/api/v1/on-call?at={Uri.EscapeDataString(threeAm.AddMinutes(10).ToString("O"))}&asOf={Uri.EscapeDataString(threeAm.ToString("O"))}");
        var compared = asOf["rosters"]!.AsArray().Single(r => r!["roster"]!["id"]!.GetValue<Guid>() == rosterId)!;
        compared["asOf"]!["personId"]!.GetValue<string>().ShouldBe(bob);
        compared["changedSince"]!.GetValue<bool>().ShouldBeTrue();

        // The shifts say who and why, hand-off to hand-off.
        var shifts = await fixture.Desk.GetJsonAsync($"/api/v1/rosters/{rosterId}/shifts?from={Uri.EscapeDataString(threeAm.ToString("O"))}" +
            $"&to={Uri.EscapeDataString(threeAm.AddHours(7).ToString("O"))}");
        shifts["shifts"]!.AsArray().Select(s => $"{s!["personId"]} {s["reason"]}").ShouldBe(
            [$"{bob} rotation", $"{cai} override", $"{cai} rotation"]);

        // Calendar feeds, per roster and per person.
        var ics = await fixture.Desk.Http.GetStringAsync($"/api/v1/people/{cai}/calendar.ics");
        ics.ShouldContain("BEGIN:VCALENDAR");
        ics.ShouldContain("On duty (L1 duty");
    }

    [Fact]
    public async Task bad_roster_input_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var ann = await fixture.PersonAsync($"ann-{tag}", "Ann", "duty-engineer");
        var gone = await fixture.PersonAsync($"gone-{tag}", "Gone", "duty-engineer");
        await OnDutyFixture.OkAsync(await fixture.Admin.Http.PostAsJsonAsync($"/api/v1/people/{gone}/deactivation", new { reason = "left" }));
        var before = (await fixture.Desk.GetJsonAsync("/api/v1/rosters"))["total"]!.GetValue<int>();

        async Task Refused(object layer, string field, string? zone = null, object? second = null)
        {
            var response = await fixture.DutyManager.Http.PostAsJsonAsync("/api/v1/rosters", new
            {
                name = $"bad {tag}", timeZone = zone, layers = second is null ? new[] { layer } : new[] { layer, second },
            });
            ((int)response.StatusCode).ShouldBeOneOf(400, 422);
            var problem = await IncidentsClient.ReadJsonAsync(response);
            problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field, problem.ToJsonString());
        }

        var good = new { name = "l", precedence = 0, rotation = "daily", handOff = "09:00", members = new[] { ann }, days = "every" };
        await Refused(good with { }, "timeZone", zone: "Mars/Olympus");
        await Refused(new { name = "l", precedence = 0, rotation = "daily", handOff = "02:30", members = new[] { ann }, days = "every" },
            "layers[0].handOff", zone: "America/New_York");
        await Refused(new { name = "l", precedence = 0, rotation = "daily", handOff = "09:00", members = new[] { "nobody-" + tag }, days = "every" },
            "layers[0].members[0]");
        await Refused(new { name = "l", precedence = 0, rotation = "daily", handOff = "09:00", members = new[] { gone }, days = "every" },
            "layers[0].members[0]");
        await Refused(good, "layers[1].precedence", second: new { name = "h", precedence = 0, rotation = "daily", handOff = "09:00",
            members = new[] { ann }, days = "holidays" });
        await Refused(new { name = "l", precedence = 0, rotation = "daily", handOff = "25:00", members = new[] { ann }, days = "every" },
            "layers[0].handOff");

        (await fixture.Desk.GetJsonAsync("/api/v1/rosters"))["total"]!.GetValue<int>().ShouldBe(before);

        // An override window that ends before it starts.
        var roster = await OnDutyFixture.OkAsync(await fixture.DutyManager.Http.PostAsJsonAsync("/api/v1/rosters",
            new { name = $"ok {tag}", layers = new[] { good } }), HttpStatusCode.Created);
        var response = await fixture.DutyManager.Http.PostAsJsonAsync($"/api/v1/rosters/{roster["id"]}/overrides",
            new { personId = ann, from = Clock.Now.AddHours(2), to = Clock.Now.AddHours(1) });
        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "roster.invalid-field");
        problem["errors"]!["to"].ShouldNotBeNull();
        (await fixture.Desk.GetJsonAsync($"/api/v1/rosters/{roster["id"]}"))["version"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task contacts_are_masked_for_everyone_but_the_hotline_the_admin_and_the_person_and_deactivation_keeps_the_entry()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var id = await fixture.PersonAsync($"eng-{tag}", "Zhao Lei", "duty-engineer");

        var seen = await fixture.Client("responder", "other-01").GetJsonAsync($"/api/v1/people/{id}");
        seen["contacts"]!["mobile"]!.GetValue<string>().ShouldBe("138****5678");
        seen["contacts"]!["email"]!.GetValue<string>().ShouldBe("e***@example.org");
        (await fixture.Client("responder", id).GetJsonAsync($"/api/v1/people/{id}"))["contacts"]!["mobile"]!.GetValue<string>()
            .ShouldBe("13812345678");
        (await fixture.Desk.GetJsonAsync($"/api/v1/people/{id}"))["contacts"]!["email"]!.GetValue<string>().ShouldBe($"{id}@example.org");

        await OnDutyFixture.OkAsync(await fixture.Admin.Http.PostAsJsonAsync($"/api/v1/people/{id}/deactivation", new { reason = "left the team" }));
        var after = await fixture.Admin.GetJsonAsync($"/api/v1/people/{id}");
        after["active"]!.GetValue<bool>().ShouldBeFalse();
        after["name"]!.GetValue<string>().ShouldBe("Zhao Lei");
        after["version"]!.GetValue<long>().ShouldBe(2);
    }

    private async Task<List<JsonNode>> LevelsAsync(Guid id) =>
        (await fixture.Desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray()
        .Where(e => e!["type"]!.GetValue<string>() == "escalation-level-raised").Select(e => e!).ToList();
}
