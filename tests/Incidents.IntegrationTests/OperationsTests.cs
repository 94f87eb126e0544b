using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Incidents.Api.Configuration;
using Incidents.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.OpenApi;

namespace Incidents.IntegrationTests;

/// <summary>
/// What operators and client developers rely on besides the incidents themselves: health probes, the OpenAPI document and
/// its reference page, and a correlation id on every response and on every event a request caused.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OperationsTests(ApiFixture api)
{
    private const string CorrelationHeader = "X-Correlation-Id";

    private static readonly string[] StepPaths =
    [
        "/api/v1/incidents/{id}/acknowledge",
        "/api/v1/incidents/{id}/reclassify",
        "/api/v1/incidents/{id}/responders",
        "/api/v1/incidents/{id}/responders/{responderId}/dispatch",
        "/api/v1/incidents/{id}/responders/{responderId}/arrival",
        "/api/v1/incidents/{id}/restore",
        "/api/v1/incidents/{id}/resolve",
        "/api/v1/incidents/{id}/close",
        "/api/v1/incidents/{id}/reopen",
        "/api/v1/incidents/{id}/cancel",
        "/api/v1/incidents/{id}/comments",
    ];

    private static string NewSystem(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static string CorrelationOf(HttpResponseMessage response)
    {
        response.Headers.TryGetValues(CorrelationHeader, out var values).ShouldBeTrue(
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} without {CorrelationHeader}");
        var id = values!.Single();
        id.ShouldNotBeNullOrWhiteSpace();
        return id;
    }

    private async Task<JsonNode> OpenApiAsync() => await api.Client().GetJsonAsync("/openapi/v1.json");

    /// <summary>The header parameters an operation declares, by lower-case name, with whether each is required.</summary>
    private static Dictionary<string, bool> HeaderParameters(JsonNode operation) =>
        (operation["parameters"]?.AsArray() ?? [])
        .Where(p => p!["in"]?.GetValue<string>() == "header")
        .ToDictionary(p => p!["name"]!.GetValue<string>().ToLowerInvariant(), p => p!["required"]?.GetValue<bool>() ?? false);

    // ---------------------------------------------------------------- health

    [Fact]
    public async Task the_liveness_probe_answers_200()
    {
        var response = await api.Client().Http.GetAsync("/health/live");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await IncidentsClient.ReadJsonAsync(response))["status"]!.GetValue<string>().ShouldBe("Healthy");
    }

    [Fact]
    public async Task the_readiness_probe_answers_200_with_postgresql_and_rabbitmq_healthy()
    {
        var response = await api.Client().Http.GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var health = await IncidentsClient.ReadJsonAsync(response);
        health["status"]!.GetValue<string>().ShouldBe("Healthy");
        health["entries"]!["postgresql"]!["status"]!.GetValue<string>().ShouldBe("Healthy");
        health["entries"]!["rabbitmq"]!["status"]!.GetValue<string>().ShouldBe("Healthy");
    }

    [Fact]
    public async Task the_health_probes_need_no_actor()
    {
        using var anonymous = api.Factory.CreateClient();

        (await anonymous.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    // ---------------------------------------------------------------- OpenAPI and docs

    [Fact]
    public async Task the_openapi_document_is_json_and_lists_every_incident_path()
    {
        var document = await OpenApiAsync();

        document["openapi"]!.GetValue<string>().ShouldStartWith("3.");
        var paths = document["paths"]!.AsObject();
        paths["/api/v1/incidents"]!["get"].ShouldNotBeNull("list incidents");
        paths["/api/v1/incidents"]!["post"].ShouldNotBeNull("report an incident");
        paths["/api/v1/incidents/{id}"]!["get"].ShouldNotBeNull("get an incident");
        paths["/api/v1/incidents/{id}/timeline"]!["get"].ShouldNotBeNull("get the timeline");
        foreach (var step in StepPaths)
        {
            paths[step].ShouldNotBeNull($"{step} is missing from the document");
            paths[step]!["post"].ShouldNotBeNull($"{step} should be a POST");
        }
    }

    [Fact]
    public async Task every_step_documents_its_outcomes_as_the_incident_or_a_problem()
    {
        var paths = (await OpenApiAsync())["paths"]!;

        foreach (var step in StepPaths)
        {
            var responses = paths[step]!["post"]!["responses"]!.AsObject();
            responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>()
                .ShouldEndWith("/IncidentResource", Case.Sensitive, step);
            foreach (var status in new[] { "400", "404", "409", "412" })
            {
                responses[status].ShouldNotBeNull($"{step} should document {status}");
                responses[status]!["content"]!["application/problem+json"].ShouldNotBeNull($"{step} {status}");
            }
        }
    }

    [Fact]
    public async Task the_report_operation_documents_only_the_responses_it_can_give()
    {
        var report = (await OpenApiAsync())["paths"]!["/api/v1/incidents"]!["post"]!;
        var responses = report["responses"]!.AsObject().Select(r => r.Key).ToList();

        responses.ShouldContain("201");
        responses.ShouldContain("400");
        responses.ShouldContain("422");
        responses.ShouldNotContain("200", "a report never answers 200, yet the document says 200 with an 'IResult' body");
        responses.ShouldNotContain("404", "a report never answers 404");
    }

    [Fact]
    public async Task the_list_operation_documents_its_filters_as_query_parameters()
    {
        var list = (await OpenApiAsync())["paths"]!["/api/v1/incidents"]!["get"]!;
        var query = (list["parameters"]?.AsArray() ?? [])
            .Where(p => p!["in"]?.GetValue<string>() == "query")
            .Select(p => p!["name"]!.GetValue<string>())
            .ToList();

        query.ShouldBe(["status", "class", "system", "from", "to", "drills", "page", "pageSize"], ignoreOrder: true);
    }

    [Fact]
    public async Task the_notifications_view_documents_its_filters_and_its_answer()
    {
        var operation = (await OpenApiAsync())["paths"]!["/api/v1/incidents/{id}/notifications"]!["get"]!;
        (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]?.GetValue<string>() == "query")
            .Select(p => p!["name"]!.GetValue<string>()).ShouldBe(["trigger", "recipient"], ignoreOrder: true);
        operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>()
            .ShouldEndWith("/IncidentNotifications");
        operation["summary"]!.GetValue<string>().ShouldBe("Who was told");
    }

    [Fact]
    public async Task the_headers_the_api_reads_are_documented()
    {
        var paths = (await OpenApiAsync())["paths"]!;
        var missing = new List<string>();
        void Expect(string path, string method, string header, bool required)
        {
            var declared = HeaderParameters(paths[path]![method]!);
            if (!declared.TryGetValue(header.ToLowerInvariant(), out var isRequired))
            {
                missing.Add($"{method.ToUpperInvariant()} {path}: {header}");
            }
            else if (required && !isRequired)
            {
                missing.Add($"{method.ToUpperInvariant()} {path}: {header} (not marked required)");
            }
        }

        Expect("/api/v1/incidents", "post", "Idempotency-Key", required: false);
        Expect("/api/v1/incidents/{id}", "get", "If-None-Match", required: false);
        foreach (var step in StepPaths)
        {
            Expect(step, "post", "If-Match", required: false);
        }

        missing.ShouldBeEmpty("headers the API reads but the OpenAPI document does not declare");
    }

    [Fact]
    public async Task the_openapi_document_asks_for_a_bearer_token_on_every_api_operation_and_names_no_actor_header()
    {
        var document = await OpenApiAsync();

        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        scheme["type"]!.GetValue<string>().ShouldBe("http");
        scheme["scheme"]!.GetValue<string>().ShouldBe("bearer");
        var paths = document["paths"]!.AsObject();
        foreach (var (path, item) in paths)
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var security = operation!["security"]?.AsArray();
                security.ShouldNotBeNull($"{method.ToUpperInvariant()} {path} should require the bearer token");
                security.ShouldContain(s => s!.AsObject().ContainsKey("Bearer"));
                HeaderParameters(operation).Keys.ShouldNotContain(h => h.StartsWith("x-actor", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task the_openapi_document_shows_enums_as_the_kebab_case_strings_the_api_speaks()
    {
        var schemas = (await OpenApiAsync())["components"]!["schemas"]!;
        string[] Values(string schema) => schemas[schema]!["enum"]!.AsArray()
            .Where(v => v is not null).Select(v => v!.GetValue<string>()).ToArray();

        Values("IncidentClass").ShouldBe(["outage", "fault", "major-event", "security-event"], ignoreOrder: true);
        Values("IntakeChannel").ShouldContain("instant-message");
        Values("IncidentStatus").ShouldContain("on-site");
        Values("CauseCategory").ShouldContain("third-party");
        Values("CancellationReason").ShouldBe(["false-alarm", "duplicate"], ignoreOrder: true);
    }

    [Fact]
    public async Task operations_are_described_in_words_not_by_generated_handler_names()
    {
        var paths = (await OpenApiAsync())["paths"]!.AsObject();
        var generated = paths
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!)))
            .Where(o => new[] { "summary", "description" }
                .Any(k => o.Operation[k]?.GetValue<string>() is { } text && text.StartsWith(o.Method.ToUpperInvariant() + "_api_", StringComparison.Ordinal)))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}: {o.Operation["summary"]}")
            .ToList();

        generated.ShouldBeEmpty("operations whose summary/description in /docs is the generated handler's class name");
    }

    [Fact]
    public async Task every_operation_parameter_and_tag_is_described_in_words()
    {
        var document = await OpenApiAsync();
        var declaredTags = document["tags"]!.AsArray()
            .ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["description"]?.GetValue<string>());
        var missing = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                foreach (var key in new[] { "summary", "description" })
                {
                    if (string.IsNullOrWhiteSpace(operation![key]?.GetValue<string>()))
                    {
                        missing.Add($"{name}: {key}");
                    }
                }

                foreach (var parameter in operation!["parameters"]?.AsArray() ?? [])
                {
                    if (string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>()))
                    {
                        missing.Add($"{name}: {parameter["in"]} parameter {parameter["name"]}");
                    }
                }

                foreach (var tag in operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()))
                {
                    if (string.IsNullOrWhiteSpace(declaredTags.GetValueOrDefault(tag)))
                    {
                        missing.Add($"{name}: tag {tag} is not declared with a description");
                    }
                }
            }
        }

        missing.ShouldBeEmpty();
    }

    [Fact]
    public async Task every_operation_documents_the_refusals_every_endpoint_gives()
    {
        var missing = new List<string>();
        foreach (var (path, item) in (await OpenApiAsync())["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                var expected = method == "post" ? new[] { "401", "403", "429" } : ["401", "403"];
                if (path.StartsWith("/api/v1/intake/", StringComparison.Ordinal))
                {
                    // Monitoring authenticates with an integration key, which either opens the endpoint or is a 401: no role, no 403.
                    expected = ["401", "429"];
                }

                missing.AddRange(expected
                    .Where(status => responses[status]?["content"]?["application/problem+json"] is null)
                    .Select(status => $"{method.ToUpperInvariant()} {path}: {status}"));
            }
        }

        missing.ShouldBeEmpty("without a token every operation answers 401, with a role its policy does not admit 403, " +
            "and every change is rate limited (429)");
    }

    [Fact]
    public async Task every_documented_404_is_a_problem_and_only_operations_on_one_resource_document_it()
    {
        foreach (var (path, item) in (await OpenApiAsync())["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation!["responses"]!["404"] is { } notFound)
                {
                    (path.Contains("{id}", StringComparison.Ordinal) || path.Contains("{personId}", StringComparison.Ordinal))
                        .ShouldBeTrue($"{method.ToUpperInvariant()} {path} answers 404 only for an unknown resource");
                    notFound["content"]?["application/problem+json"].ShouldNotBeNull($"{method.ToUpperInvariant()} {path}");
                }
            }
        }
    }

    [Fact]
    public async Task the_document_asks_for_the_bearer_token_once_for_all_and_names_the_problem_types_in_plain_text()
    {
        var document = await OpenApiAsync();

        document["security"]!.AsArray().ShouldContain(s => s!.AsObject().ContainsKey("Bearer"),
            "a top-level requirement, so the reference opens with the bearer scheme selected");
        var description = document["info"]!["description"]!.GetValue<string>();
        description.ShouldContain("urn:incidents:problem:");
        var html = new System.Text.RegularExpressions.Regex("<[A-Za-z/]");
        var texts = document.ToJsonString();
        html.IsMatch(description).ShouldBeFalse("a description is Markdown: '<code>' would be read as an HTML tag and vanish");
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var key in new[] { "summary", "description" })
                {
                    html.IsMatch(operation![key]?.GetValue<string>() ?? "").ShouldBeFalse($"{method.ToUpperInvariant()} {path} {key}");
                }
            }
        }

        texts.ShouldNotContain("127.0.0.1:5080");
    }

    [Fact]
    public void the_server_is_the_configured_url_or_else_the_host_that_served_the_document()
    {
        var configured = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenApi:ServerUrl"] = "https://incidents.example.org/" })
            .Build();
        var document = new OpenApiDocument { Info = new OpenApiInfo(), Servers = [new OpenApiServer { Url = "http://127.0.0.1:5080/" }] };

        OpenApiDocumentation.DescribeDocument(document, configured);

        document.Servers!.Select(s => s.Url).ShouldBe(["https://incidents.example.org"]);

        var unconfigured = new ConfigurationBuilder().Build();
        document = new OpenApiDocument { Info = new OpenApiInfo(), Servers = [new OpenApiServer { Url = "http://10.0.0.7:5080/" }] };

        OpenApiDocumentation.DescribeDocument(document, unconfigured);

        document.Servers!.Select(s => s.Url).ShouldBe(["http://10.0.0.7:5080"]);
    }

    /// <summary>
    /// Writes the document to artifacts/openapi.json at the repository root, where scripts/test.sh lints it with Spectral
    /// (spectral:oas) after the tests ran: the reference is checked as clients see it, from the running API.
    /// </summary>
    [Fact]
    public async Task the_openapi_document_is_written_for_the_linter()
    {
        var response = await api.Client().Http.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Incidents.sln")))
        {
            root = root.Parent;
        }

        root.ShouldNotBeNull("the repository root (Incidents.sln) above the test output");
        var file = Path.Combine(root.FullName, "artifacts", "openapi.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task the_docs_page_is_html_and_points_at_the_openapi_document()
    {
        var response = await api.Client().Http.GetAsync("/docs");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("<html", Case.Insensitive);
        html.ShouldContain("Incidents API");
        html.ShouldContain("openapi/v1.json");
    }

    // ---------------------------------------------------------------- correlation ids

    [Fact]
    public async Task every_response_carries_a_correlation_id_problems_included()
    {
        var desk = api.Client();
        using var anonymous = api.Factory.CreateClient();
        var id = await desk.ReportOutageAsync(NewSystem("correlation-every"));
        var get = await desk.Http.GetAsync($"/api/v1/incidents/{id}");
        var notModified = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
        notModified.Headers.IfNoneMatch.Add(get.Headers.ETag!);

        var responses = new List<HttpResponseMessage>
        {
            await desk.Http.GetAsync("/health/live"),
            await desk.Http.GetAsync("/health/ready"),
            await desk.Http.GetAsync("/openapi/v1.json"),
            await desk.ReportAsync(IncidentsClient.OutageReport(NewSystem("correlation-every"))),
            get,
            await desk.Http.SendAsync(notModified),
            await desk.Http.GetAsync($"/api/v1/incidents/{id}/timeline"),
            await desk.Http.GetAsync("/api/v1/incidents?pageSize=1"),
            await desk.StepAsync(id, "acknowledge"),
            await desk.StepAsync(id, "acknowledge"),
            await desk.StepAsync(id, "comments", new { text = "stale" }, ifMatch: 1),
            await desk.Http.GetAsync("/api/v1/incidents?status=banana"),
            await desk.Http.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}"),
            await desk.PostRawAsync("/api/v1/incidents", "{not json"),
            await anonymous.PostAsync($"/api/v1/incidents/{id}/acknowledge", null),
            await desk.Http.GetAsync("/api/v1/nothing-here"),
            await desk.Http.DeleteAsync($"/api/v1/incidents/{id}"),
            await desk.Http.PostAsync("/api/v1/incidents", new StringContent("{}", Encoding.UTF8, "text/plain")),
        };

        foreach (var response in responses)
        {
            var correlation = CorrelationOf(response);
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                (await IncidentsClient.ReadJsonAsync(response))["correlationId"]!.GetValue<string>().ShouldBe(correlation,
                    $"the problem body of {response.RequestMessage?.RequestUri} should quote the same correlation id");
            }
        }

        responses.Select(CorrelationOf).Distinct().Count().ShouldBe(responses.Count, "each request gets its own id");
    }

    [Fact]
    public async Task a_supplied_correlation_id_is_echoed_and_stored_on_the_events_it_caused()
    {
        var desk = api.Client();
        var reportCorrelation = $"call-{Guid.NewGuid():N}";
        var ackCorrelation = $"ack-{Guid.NewGuid():N}";

        var report = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(IncidentsClient.OutageReport(NewSystem("correlation-stored"))),
        };
        report.Headers.Add(CorrelationHeader, reportCorrelation);
        var reported = await desk.Http.SendAsync(report);
        reported.StatusCode.ShouldBe(HttpStatusCode.Created);
        CorrelationOf(reported).ShouldBe(reportCorrelation);
        var id = (await IncidentsClient.ReadJsonAsync(reported))["id"]!.GetValue<Guid>();

        var acknowledge = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/acknowledge");
        acknowledge.Headers.Add(CorrelationHeader, ackCorrelation);
        var acknowledged = await desk.Http.SendAsync(acknowledge);
        acknowledged.StatusCode.ShouldBe(HttpStatusCode.OK);
        CorrelationOf(acknowledged).ShouldBe(ackCorrelation);

        var entries = (await desk.GetJsonAsync($"/api/v1/incidents/{id}/timeline"))["entries"]!.AsArray();
        entries.Select(e => e!["correlationId"]!.GetValue<string>()).ShouldBe([reportCorrelation, ackCorrelation]);
        (await TestServices.ScalarAsync<long>(
            "select count(*) from incidents.mt_events where stream_id = @id and correlation_id = @correlation",
            ("id", id), ("correlation", ackCorrelation))).ShouldBe(1);
    }

    [Fact]
    public async Task a_supplied_correlation_id_is_echoed_on_a_problem_too()
    {
        var desk = api.Client();
        var correlation = $"lost-{Guid.NewGuid():N}";
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{Guid.NewGuid()}");
        request.Headers.Add(CorrelationHeader, correlation);

        var response = await desk.Http.SendAsync(request);

        var problem = await IncidentsClient.ShouldBeProblemAsync(response, HttpStatusCode.NotFound, "incident.not-found");
        CorrelationOf(response).ShouldBe(correlation);
        problem["correlationId"]!.GetValue<string>().ShouldBe(correlation);
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semi;colon")]
    [InlineData("x-0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task an_unsafe_or_overlong_correlation_id_is_replaced_not_echoed(string supplied)
    {
        var desk = api.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation(CorrelationHeader, supplied);

        var response = await desk.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var correlation = CorrelationOf(response);
        correlation.ShouldNotBe(supplied);
        correlation.Length.ShouldBeLessThanOrEqualTo(64);
    }
}
