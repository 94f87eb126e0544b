using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Incidents.IntegrationTests.Infrastructure;

namespace Incidents.IntegrationTests;

/// <summary>
/// The desk's incident list: filters as query parameters, newest first, paged with a total and a next link.
/// Every test lists only its own affected system, so incidents of other tests never show up.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ListingTests(ApiFixture api)
{
    internal static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    internal static string Q(string value) => Uri.EscapeDataString(value);

    internal static async Task<JsonNode> ReportAsync(IncidentsClient desk, string system, string @class = "outage",
        bool isDrill = false, string title = "Settlement service down")
    {
        var body = new JsonObject
        {
            ["title"] = title,
            ["affectedSystem"] = system,
            ["class"] = @class,
            ["channel"] = "phone",
            ["reporter"] = new JsonObject { ["name"] = "Wang Fang" },
            ["isDrill"] = isDrill,
        };
        var response = await desk.PostRawAsync("/api/v1/incidents", body.ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await IncidentsClient.ReadJsonAsync(response);
    }

    internal static Guid IdOf(JsonNode incident) => incident["id"]!.GetValue<Guid>();

    internal static List<Guid> Ids(JsonNode page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

    internal static Task<JsonNode> ListAsync(IncidentsClient desk, string query) => desk.GetJsonAsync($"/api/v1/incidents?{query}");

    [Fact]
    public async Task five_incidents_are_paged_two_at_a_time_newest_first_with_a_total_and_next_links()
    {
        var desk = api.Client();
        var system = NewSystem("paging");
        var reported = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            reported.Add(IdOf(await ReportAsync(desk, system, title: $"Call {i}")));
        }

        var pages = new List<JsonNode>();
        var next = $"/api/v1/incidents?system={Q(system)}&pageSize=2";
        while (next is not null && pages.Count < 5)
        {
            var page = await desk.GetJsonAsync(next);
            pages.Add(page);
            next = page["next"]?.GetValue<string>();
        }

        pages.Count.ShouldBe(3);
        pages.Select(p => p["total"]!.GetValue<long>()).ShouldAllBe(t => t == 5);
        pages.Select(p => p["page"]!.GetValue<int>()).ShouldBe([1, 2, 3]);
        pages.Select(p => p["pageSize"]!.GetValue<int>()).ShouldAllBe(s => s == 2);
        pages.Select(p => p["items"]!.AsArray().Count).ShouldBe([2, 2, 1]);
        pages[0]["next"].ShouldNotBeNull();
        pages[1]["next"].ShouldNotBeNull();
        pages[2]["next"].ShouldBeNull();

        var listed = pages.SelectMany(Ids).ToList();
        listed.ShouldBe(Enumerable.Reverse(reported).ToList(), "newest first, each incident exactly once");
        var times = pages.SelectMany(p => p["items"]!.AsArray()).Select(i => i!["reportedAt"]!.GetValue<DateTimeOffset>()).ToList();
        times.ShouldBe(times.OrderDescending().ToList());
    }

    [Fact]
    public async Task the_same_page_asked_twice_lists_the_same_incidents_in_the_same_order()
    {
        var desk = api.Client();
        var system = NewSystem("stable");
        for (var i = 0; i < 4; i++)
        {
            await ReportAsync(desk, system);
        }

        var first = Ids(await ListAsync(desk, $"system={Q(system)}&pageSize=3&page=1"));
        var again = Ids(await ListAsync(desk, $"system={Q(system)}&pageSize=3&page=1"));
        var second = Ids(await ListAsync(desk, $"system={Q(system)}&pageSize=3&page=2"));

        again.ShouldBe(first);
        first.Intersect(second).ShouldBeEmpty();
        first.Concat(second).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public async Task a_page_past_the_end_is_empty_with_the_total_and_no_next_link()
    {
        var desk = api.Client();
        var system = NewSystem("past-end");
        await ReportAsync(desk, system);
        await ReportAsync(desk, system);

        var page = await ListAsync(desk, $"system={Q(system)}&pageSize=2&page=5");

        page["items"]!.AsArray().ShouldBeEmpty();
        page["total"]!.GetValue<long>().ShouldBe(2);
        page["next"].ShouldBeNull();
    }

    [Fact]
    public async Task the_status_filter_takes_one_value_repeated_values_or_a_comma_list()
    {
        var desk = api.Client();
        var system = NewSystem("status");
        var reported = IdOf(await ReportAsync(desk, system));
        var acknowledged = IdOf(await ReportAsync(desk, system));
        await desk.StepOkAsync(acknowledged, "acknowledge");
        var restored = IdOf(await ReportAsync(desk, system));
        await desk.StepOkAsync(restored, "acknowledge");
        await desk.StepOkAsync(restored, "restore", new { summary = "Failed over" });

        Ids(await ListAsync(desk, $"system={Q(system)}&status=reported")).ShouldBe([reported]);
        Ids(await ListAsync(desk, $"system={Q(system)}&status=acknowledged")).ShouldBe([acknowledged]);
        Ids(await ListAsync(desk, $"system={Q(system)}&status=acknowledged&status=restored")).ShouldBe([restored, acknowledged]);
        Ids(await ListAsync(desk, $"system={Q(system)}&status={Q("acknowledged,restored")}")).ShouldBe([restored, acknowledged]);
        var page = await ListAsync(desk, $"system={Q(system)}&status=closed");
        page["items"]!.AsArray().ShouldBeEmpty();
        page["total"]!.GetValue<long>().ShouldBe(0);
        (await ListAsync(desk, $"system={Q(system)}&status=restored"))["items"]![0]!["status"]!.GetValue<string>().ShouldBe("restored");
    }

    [Fact]
    public async Task the_class_filter_reads_kebab_case_classes()
    {
        var desk = api.Client();
        var system = NewSystem("class");
        var outage = IdOf(await ReportAsync(desk, system, "outage"));
        var fault = IdOf(await ReportAsync(desk, system, "fault"));
        var major = IdOf(await ReportAsync(desk, system, "major-event"));
        var security = IdOf(await ReportAsync(desk, system, "security-event"));

        Ids(await ListAsync(desk, $"system={Q(system)}&class=fault")).ShouldBe([fault]);
        Ids(await ListAsync(desk, $"system={Q(system)}&class=major-event")).ShouldBe([major]);
        Ids(await ListAsync(desk, $"system={Q(system)}&class=outage&class=security-event")).ShouldBe([security, outage]);
        var page = await ListAsync(desk, $"system={Q(system)}&class={Q("major-event,fault")}");
        Ids(page).ShouldBe([major, fault]);
        page["items"]!.AsArray().Select(i => i!["class"]!.GetValue<string>()).ShouldBe(["major-event", "fault"]);
    }

    [Fact]
    public async Task the_system_filter_shows_only_that_systems_incidents()
    {
        var desk = api.Client();
        var system = NewSystem("system");
        var other = NewSystem("system-other");
        var mine = IdOf(await ReportAsync(desk, system));
        await ReportAsync(desk, other);

        var page = await ListAsync(desk, $"system={Q(system)}");

        Ids(page).ShouldBe([mine]);
        page["total"]!.GetValue<long>().ShouldBe(1);
        page["items"]![0]!["affectedSystem"]!.GetValue<string>().ShouldBe(system);
    }

    [Fact]
    public async Task drills_are_hidden_by_default_and_can_be_included_or_listed_alone()
    {
        var desk = api.Client();
        var system = NewSystem("drills");
        var real = IdOf(await ReportAsync(desk, system));
        var drill = IdOf(await ReportAsync(desk, system, isDrill: true));

        var byDefault = await ListAsync(desk, $"system={Q(system)}");
        Ids(byDefault).ShouldBe([real]);
        byDefault["total"]!.GetValue<long>().ShouldBe(1);
        Ids(await ListAsync(desk, $"system={Q(system)}&drills=exclude")).ShouldBe([real]);
        Ids(await ListAsync(desk, $"system={Q(system)}&drills=include")).ShouldBe([drill, real]);
        var only = await ListAsync(desk, $"system={Q(system)}&drills=only");
        Ids(only).ShouldBe([drill]);
        only["items"]![0]!["isDrill"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task filters_combine_and_the_total_counts_only_matching_incidents()
    {
        var desk = api.Client();
        var system = NewSystem("combined");
        var faultAcked = IdOf(await ReportAsync(desk, system, "fault"));
        await desk.StepOkAsync(faultAcked, "acknowledge");
        await ReportAsync(desk, system, "fault");
        var outageAcked = IdOf(await ReportAsync(desk, system, "outage"));
        await desk.StepOkAsync(outageAcked, "acknowledge");
        var drillFaultAcked = IdOf(await ReportAsync(desk, system, "fault", isDrill: true));
        await desk.StepOkAsync(drillFaultAcked, "acknowledge");

        var page = await ListAsync(desk, $"system={Q(system)}&class=fault&status=acknowledged&pageSize=1");

        Ids(page).ShouldBe([faultAcked]);
        page["total"]!.GetValue<long>().ShouldBe(1);
        page["next"].ShouldBeNull();
        Ids(await ListAsync(desk, $"system={Q(system)}&class=fault&status=acknowledged&drills=include"))
            .ShouldBe([drillFaultAcked, faultAcked]);
    }

    [Fact]
    public async Task the_next_link_keeps_the_filters()
    {
        var desk = api.Client();
        var system = NewSystem("next-filters");
        var faults = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            faults.Add(IdOf(await ReportAsync(desk, system, "fault")));
            await ReportAsync(desk, system, "outage");
        }

        var first = await ListAsync(desk, $"system={Q(system)}&class=fault&pageSize=2");
        var second = await desk.GetJsonAsync(first["next"]!.GetValue<string>());

        first["total"]!.GetValue<long>().ShouldBe(3);
        Ids(first).Concat(Ids(second)).ShouldBe(Enumerable.Reverse(faults).ToList());
        second["next"].ShouldBeNull();
    }

    [Theory]
    [InlineData("status=banana", "status")]
    [InlineData("status=acknowledged,banana", "status")]
    [InlineData("status=Acknowledged", "status")]
    [InlineData("class=banana", "class")]
    [InlineData("class=major_event", "class")]
    [InlineData("drills=maybe", "drills")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45", "to")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=two", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("pageSize=lots", "pageSize")]
    public async Task a_bad_filter_value_is_400_naming_the_parameter(string query, string parameter)
    {
        var desk = api.Client();

        var response = await desk.Http.GetAsync($"/api/v1/incidents?{query}");

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain(parameter);
    }

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=100000000&pageSize=200")]
    public async Task a_page_number_far_past_the_end_is_never_a_500(string query)
    {
        var desk = api.Client();

        var response = await desk.Http.GetAsync($"/api/v1/incidents?system={Q(NewSystem("far"))}&{query}");

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.BadRequest], body);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            JsonNode.Parse(body)!["items"]!.AsArray().ShouldBeEmpty();
        }
        else
        {
            JsonNode.Parse(body)!["errors"]!.AsObject().Select(e => e.Key).ShouldContain("page");
        }
    }

    [Fact]
    public async Task a_system_filter_with_a_nul_character_is_never_a_500()
    {
        var desk = api.Client();

        var response = await desk.Http.GetAsync("/api/v1/incidents?system=billing%00");

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.BadRequest], body);
    }

    [Theory]
    [InlineData("from=2026-12-01T08:00:00")]
    [InlineData("to=2026-12-01T08:00:00")]
    [InlineData("from=12/01/2026")]
    public async Task a_time_that_is_not_rfc_3339_with_an_offset_is_refused_rather_than_guessed(string query)
    {
        var desk = api.Client();

        var response = await desk.Http.GetAsync($"/api/v1/incidents?{query}");

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain(query.Split('=')[0]);
    }

    [Fact]
    public async Task a_system_filter_over_100_characters_is_400_naming_it()
    {
        var desk = api.Client();

        var response = await desk.Http.GetAsync($"/api/v1/incidents?system={new string('s', 101)}");

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain("system");
    }

    [Fact]
    public async Task a_page_size_of_200_is_the_largest_accepted()
    {
        var desk = api.Client();
        var system = NewSystem("max-page");
        await ReportAsync(desk, system);

        var page = await ListAsync(desk, $"system={Q(system)}&pageSize=200");

        page["pageSize"]!.GetValue<int>().ShouldBe(200);
        page["total"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task a_list_item_shows_the_incidents_current_version_and_status()
    {
        var desk = api.Client();
        var system = NewSystem("summary");
        var id = IdOf(await ReportAsync(desk, system, "major-event"));
        await desk.StepOkAsync(id, "acknowledge");

        var item = (await ListAsync(desk, $"system={Q(system)}"))["items"]![0]!;

        item["id"]!.GetValue<Guid>().ShouldBe(id);
        item["version"]!.GetValue<long>().ShouldBe(2);
        item["status"]!.GetValue<string>().ShouldBe("acknowledged");
        item["class"]!.GetValue<string>().ShouldBe("major-event");
        item["isDrill"]!.GetValue<bool>().ShouldBeFalse();
        item["acknowledgedAt"].ShouldNotBeNull();
    }
}

/// <summary>
/// The report-time window of the list, on the test clock: the reports are a minute apart by construction, so the bounds
/// are exact instants rather than whatever the wall clock gave three quick requests.
/// </summary>
[Collection(SlaCollection.Name)]
public sealed class ListingWindowTests(SlaFixture host)
{
    [Fact]
    public async Task from_is_inclusive_and_to_is_exclusive_on_the_report_time_in_any_offset()
    {
        var desk = host.Client();
        var system = ListingTests.NewSystem("window");
        var a = await ListingTests.ReportAsync(desk, system);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var b = await ListingTests.ReportAsync(desk, system);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var c = await ListingTests.ReportAsync(desk, system);
        var bAt = b["reportedAt"]!.GetValue<DateTimeOffset>();
        var cAt = c["reportedAt"]!.GetValue<DateTimeOffset>();
        bAt.ShouldBe(a["reportedAt"]!.GetValue<DateTimeOffset>().AddMinutes(1));
        cAt.ShouldBe(bAt.AddMinutes(1));
        string Q(string value) => ListingTests.Q(value);
        string Rfc3339(DateTimeOffset t) => Q(t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture));
        async Task<List<Guid>> IdsAsync(string query) => ListingTests.Ids(await ListingTests.ListAsync(desk, $"system={Q(system)}&{query}"));

        (await IdsAsync($"from={Rfc3339(bAt)}")).ShouldBe([ListingTests.IdOf(c), ListingTests.IdOf(b)]);
        (await IdsAsync($"to={Rfc3339(bAt)}")).ShouldBe([ListingTests.IdOf(a)]);
        (await IdsAsync($"from={Rfc3339(bAt)}&to={Rfc3339(cAt)}")).ShouldBe([ListingTests.IdOf(b)]);
        var beijing = TimeSpan.FromHours(8);
        (await IdsAsync($"from={Rfc3339(bAt.ToOffset(beijing))}&to={Rfc3339(cAt.ToOffset(beijing))}")).ShouldBe([ListingTests.IdOf(b)]);
        (await IdsAsync($"from={Rfc3339(cAt.AddSeconds(1))}")).ShouldBeEmpty();
    }
}
