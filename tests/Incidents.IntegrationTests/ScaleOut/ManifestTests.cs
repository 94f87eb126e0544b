using Incidents.Telemetry.Edges;
using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Incidents.Api.Security;
using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Incidents.IntegrationTests.ScaleOut;

/// <summary>
/// Issue #14: the Kubernetes manifests in <c>deploy/k8s</c>, checked offline against the application. Every manifest
/// loads with the official client's typed models (strict: an unknown field is an error; the operators' resources as
/// generic objects); the probes name paths the services answer and the port they listen on; every setting they pass is
/// a configuration key the service reads; the topology is the one docs/deployment.md describes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ManifestTests(ApiFixture api)
{
    private const string ApiName = "incidents-api";
    private const string WorkerName = "incidents-dispatch";

    private static readonly Lazy<IReadOnlyList<object>> Manifests = new(Load);

    [Fact]
    public void every_manifest_loads_with_the_typed_kubernetes_models()
    {
        Manifests.Value.Count.ShouldBeGreaterThan(0);
        Manifests.Value.OfType<V1Deployment>().Select(d => d.Metadata.Name).Order().ShouldBe([ApiName, WorkerName]);
        Manifests.Value.OfType<IKubernetesObject<V1ObjectMeta>>()
            .Where(o => o is not V1Namespace)
            .ShouldAllBe(o => o.Metadata.NamespaceProperty == "incidents");
    }

    [Fact]
    public async Task the_api_probes_name_paths_the_api_answers_on_the_port_it_listens_on()
    {
        var deployment = Deployment(ApiName);
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var settings = Settings(container);
        var port = ListeningPort(settings);
        container.Ports.Single().ContainerPort.ShouldBe(port, "the container port is the one ASPNETCORE_URLS listens on");

        container.LivenessProbe.HttpGet.Path.ShouldBe("/health/live");
        container.ReadinessProbe.HttpGet.Path.ShouldBe("/health/ready");
        container.StartupProbe.HttpGet.Path.ShouldBe("/health/live");
        var client = api.Factory.CreateClient();
        foreach (var probe in new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe })
        {
            ProbePort(container, probe).ShouldBe(port);
            (await client.GetAsync(probe.HttpGet.Path)).StatusCode.ShouldBe(HttpStatusCode.OK, $"the API answers {probe.HttpGet.Path}");
        }

        var service = Manifests.Value.OfType<V1Service>().Single(s => s.Metadata.Name == ApiName);
        var labels = deployment.Spec.Template.Metadata.Labels;
        service.Spec.Selector.ShouldNotBeEmpty();
        service.Spec.Selector.ShouldAllBe(l => labels.ContainsKey(l.Key) && labels[l.Key] == l.Value, "the Service selects the API's pods");
        deployment.Spec.Selector.MatchLabels.ShouldAllBe(l => labels.ContainsKey(l.Key) && labels[l.Key] == l.Value);
        var target = service.Spec.Ports.Single().TargetPort;
        (target.Value == container.Ports.Single().Name || target.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBeTrue("the Service sends traffic to the API's port");
    }

    [Fact]
    public async Task the_worker_probe_names_a_path_the_worker_maps_on_the_port_it_listens_on()
    {
        var container = Deployment(WorkerName).Spec.Template.Spec.Containers.Single();
        var port = ListeningPort(Settings(container));
        container.Ports.Single().ContainerPort.ShouldBe(port);
        container.ReadinessProbe.ShouldBeNull("the worker serves no traffic and has no readiness endpoint");

        // The worker's routes as it builds them (nothing connects until it starts).
        await using var worker = DispatchHost.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dispatch"] = "Host=127.0.0.1;Database=unused",
            ["Auth:Authority"] = "https://sso.example.org/realms/incidents",
            ["ConnectionStrings:RabbitMq"] = "amqp://guest:guest@127.0.0.1:5672/",
        }));
        var routes = ((IEndpointRouteBuilder)worker).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToList();
        foreach (var probe in new[] { container.LivenessProbe, container.StartupProbe })
        {
            ProbePort(container, probe).ShouldBe(port);
            routes.ShouldContain(probe.HttpGet.Path);
        }
    }

    [Fact]
    public void every_setting_the_manifests_pass_is_a_configuration_key_the_service_reads()
    {
        foreach (var (name, source, sections) in new[]
                 {
                     (ApiName, new[] { "Incidents.Api", "Incidents.Telemetry", "Incidents.Contracts" },
                         new Dictionary<string, Type> { [AuthSettings.Section] = typeof(AuthSettings) }),
                     (WorkerName, new[] { "Incidents.Dispatch", "Incidents.Telemetry", "Incidents.Contracts" },
                         new Dictionary<string, Type> { [DispatchOptions.Section] = typeof(DispatchOptions) }),
                 })
        {
            var literals = SourceLiterals(source);
            var keys = Settings(Deployment(name).Spec.Template.Spec.Containers.Single()).Keys
                .Concat(MountedJsonKeys(name))
                .ToList();
            keys.ShouldNotBeEmpty();
            var unknown = keys.Where(key => !IsRead(key, literals, sections)).ToList();
            unknown.ShouldBeEmpty($"{name}: settings no code reads (a typo, or a renamed key)");
        }
    }

    [Fact]
    public void the_worker_settings_file_passes_the_workers_own_validation()
    {
        var json = ConfigMap(WorkerName + "-rules").Data["appsettings.Production.json"];
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var options = configuration.GetSection(DispatchOptions.Section).Get<DispatchOptions>()!;
        options.Rules.ShouldNotBeEmpty();
        var result = new DispatchOptionsValidator().Validate(null, options);
        result.Failed.ShouldBeFalse(result.FailureMessage);
    }

    [Fact]
    public void postgres_is_a_cloudnativepg_primary_and_replica_and_both_services_write_to_its_primary()
    {
        var cluster = Custom("Cluster");
        cluster.ApiVersion.ShouldBe("postgresql.cnpg.io/v1");
        Number(cluster.Spec["instances"]).ShouldBe(2, "a primary and a replica");
        var name = cluster.Metadata.Name;
        foreach (var deployment in new[] { ApiName, WorkerName })
        {
            var container = Deployment(deployment).Spec.Template.Spec.Containers.Single();
            var connection = Settings(container).Single(s => s.Key.StartsWith("ConnectionStrings:", StringComparison.Ordinal)
                                                             && s.Value.Contains("Host=", StringComparison.Ordinal)).Value;
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(Expand(container, connection));
            builder.Host.ShouldBe($"{name}-rw", "the operator's Service of the current primary");
            container.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null && (e.Value is null))
                .Where(e => connection.Contains($"$({e.Name})", StringComparison.Ordinal))
                .ShouldAllBe(e => e.ValueFrom.SecretKeyRef.Name == $"{name}-app", "credentials from the operator's application secret");
        }
    }

    [Fact]
    public void rabbitmq_is_an_operator_cluster_of_three_and_both_services_declare_quorum_queues_on_it()
    {
        var cluster = Custom("RabbitmqCluster");
        cluster.ApiVersion.ShouldBe("rabbitmq.com/v1beta1");
        var replicas = Number(cluster.Spec["replicas"]);
        replicas.ShouldBeGreaterThanOrEqualTo(3, "a quorum queue survives the loss of a minority of nodes");
        (replicas % 2).ShouldBe(1, "an odd number of nodes");
        var users = Manifests.Value.OfType<CustomResource>().Where(r => r.Kind == "User")
            .ToDictionary(u => Map(u.Spec["importCredentialsSecret"])["name"]!.ToString()!, u => u.Metadata.Name);
        foreach (var deployment in new[] { ApiName, WorkerName })
        {
            var container = Deployment(deployment).Spec.Template.Spec.Containers.Single();
            var settings = Settings(container);
            settings[Incidents.Contracts.Messaging.QuorumQueuesSetting].ShouldBe("true", $"{deployment} declares its queues as quorum queues");
            var uri = new Uri(Expand(container, settings["ConnectionStrings:RabbitMq"]));
            uri.Host.ShouldBe(cluster.Metadata.Name, "the operator's Service of the cluster");
            var secrets = container.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null
                                                   && settings["ConnectionStrings:RabbitMq"].Contains($"$({e.Name})", StringComparison.Ordinal))
                .Select(e => e.ValueFrom.SecretKeyRef.Name).Distinct().ToList();
            secrets.Count.ShouldBe(1);
            users.ShouldContainKey(secrets[0], $"{deployment} signs in as a broker user of its own");
        }

        users.Count.ShouldBe(2, "one broker user per service");
    }

    [Fact]
    public void several_api_nodes_and_workers_run_and_a_disruption_keeps_some_of_each()
    {
        Deployment(ApiName).Spec.Replicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2);
        Deployment(WorkerName).Spec.Replicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2);
        var scaler = Manifests.Value.OfType<V2HorizontalPodAutoscaler>().Single();
        scaler.Spec.ScaleTargetRef.Name.ShouldBe(ApiName);
        scaler.Spec.MinReplicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2);
        var budgets = Manifests.Value.OfType<V1PodDisruptionBudget>().ToList();
        foreach (var deployment in new[] { ApiName, WorkerName })
        {
            budgets.ShouldContain(b => b.Spec.Selector.MatchLabels.SequenceEqual(Deployment(deployment).Spec.Selector.MatchLabels));
        }
    }

    // ---- reading the manifests ----

    /// <summary>The operators' resources, loaded as generic objects (their schemas are not in the client).</summary>
    public sealed class CustomResource : IKubernetesObject<V1ObjectMeta>
    {
        [YamlDotNet.Serialization.YamlMember(Alias = "apiVersion")]
        public string ApiVersion { get; set; } = "";

        [YamlDotNet.Serialization.YamlMember(Alias = "kind")]
        public string Kind { get; set; } = "";

        [YamlDotNet.Serialization.YamlMember(Alias = "metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [YamlDotNet.Serialization.YamlMember(Alias = "spec")]
        public Dictionary<object, object> Spec { get; set; } = [];
    }

    private static readonly Dictionary<string, Type> OperatorKinds = new()
    {
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(CustomResource),
        ["rabbitmq.com/v1beta1/RabbitmqCluster"] = typeof(CustomResource),
        ["rabbitmq.com/v1beta1/User"] = typeof(CustomResource),
        ["rabbitmq.com/v1beta1/Permission"] = typeof(CustomResource),
    };

    private static IReadOnlyList<object> Load()
    {
        var directory = Path.Combine(RepositoryRoot(), "deploy", "k8s");
        var files = Directory.GetFiles(directory, "*.yaml").Order().ToList();
        files.ShouldNotBeEmpty();
        var objects = new List<object>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            try
            {
                objects.AddRange(KubernetesYaml.LoadAllFromString(text, OperatorKinds, strict: true));
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{Path.GetFileName(file)} does not load with the typed models: {e.Message}", e);
            }
        }

        return objects;
    }

    private static V1Deployment Deployment(string name) => Manifests.Value.OfType<V1Deployment>().Single(d => d.Metadata.Name == name);

    private static V1ConfigMap ConfigMap(string name) => Manifests.Value.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == name);

    private static CustomResource Custom(string kind) => Manifests.Value.OfType<CustomResource>().Single(r => r.Kind == kind);

    /// <summary>
    /// The container's settings as configuration keys (<c>__</c> read as <c>:</c>): its ConfigMaps' variables, then its
    /// own (which win, as in Kubernetes). Variables only used inside another's value (<c>$(PG_PASSWORD)</c>) are not settings.
    /// </summary>
    private static Dictionary<string, string> Settings(V1Container container)
    {
        var variables = new Dictionary<string, string>();
        foreach (var source in container.EnvFrom ?? [])
        {
            foreach (var (key, value) in ConfigMap(source.ConfigMapRef.Name).Data)
            {
                variables[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            variables[variable.Name] = variable.Value ?? $"<{variable.ValueFrom?.SecretKeyRef?.Name}/{variable.ValueFrom?.SecretKeyRef?.Key}>";
        }

        var helpers = variables.Keys.Where(name => variables.Values.Any(v => v.Contains($"$({name})", StringComparison.Ordinal))).ToHashSet();
        return variables.Where(v => !helpers.Contains(v.Key)).ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => v.Value);
    }

    /// <summary>A value with the container's <c>$(NAME)</c> references filled with placeholders without special characters.</summary>
    private static string Expand(V1Container container, string value) =>
        container.Env.Aggregate(value, (text, variable) => text.Replace($"$({variable.Name})", "x" + variable.Name.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal), StringComparison.Ordinal));

    /// <summary>Keys of the JSON settings files the deployment mounts from ConfigMaps (flattened, <c>:</c>-separated).</summary>
    private static IEnumerable<string> MountedJsonKeys(string deployment)
    {
        var spec = Deployment(deployment).Spec.Template.Spec;
        foreach (var volume in (spec.Volumes ?? []).Where(v => v.ConfigMap is not null))
        {
            foreach (var (file, json) in ConfigMap(volume.ConfigMap.Name).Data.Where(d => d.Key.EndsWith(".json", StringComparison.Ordinal)))
            {
                spec.Containers.Single().VolumeMounts.ShouldContain(m => m.Name == volume.Name && m.MountPath == "/app/" + file,
                    $"{file} is mounted where the service reads its settings (its content root, /app)");
                var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
                foreach (var entry in configuration.AsEnumerable().Where(e => e.Value is not null))
                {
                    yield return entry.Key;
                }
            }
        }
    }

    private static int ListeningPort(IReadOnlyDictionary<string, string> settings)
    {
        var urls = settings.GetValueOrDefault("ASPNETCORE_URLS") ?? settings.GetValueOrDefault("Urls")
            ?? throw new ShouldAssertException("the container says where the service listens (ASPNETCORE_URLS)");
        return int.Parse(Regex.Match(urls, @":(\d+)/?$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int ProbePort(V1Container container, V1Probe probe) =>
        int.TryParse(probe.HttpGet.Port.Value, out var number) ? number : container.Ports.Single(p => p.Name == probe.HttpGet.Port.Value).ContainerPort;

    // ---- what the services read ----

    private static readonly HashSet<string> HostKeys = ["ASPNETCORE_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_ENVIRONMENT"];

    /// <summary>
    /// A key is read when ASP.NET Core's host reads it, when it is a property path of the options type bound to its
    /// section, or when the service's source names it (or, for a dictionary of ids such as Integrity:ChainKeys:&lt;id&gt;,
    /// its parent) as a string.
    /// </summary>
    private static bool IsRead(string key, IReadOnlySet<string> literals, IReadOnlyDictionary<string, Type> sections)
    {
        if (HostKeys.Contains(key) || key.StartsWith("OTEL_", StringComparison.Ordinal) || key.StartsWith("Logging:LogLevel:", StringComparison.Ordinal))
        {
            return true;
        }

        var segments = key.Split(':');
        if (sections.TryGetValue(segments[0], out var type) && Resolves(type, segments[1..]))
        {
            return true;
        }

        if (literals.Contains(key) || (segments[0] == "ConnectionStrings" && segments.Length == 2 && literals.Contains(segments[1])))
        {
            return true;
        }

        return segments.Length > 2 && literals.Contains(string.Join(':', segments[..^1]));
    }

    private static bool Resolves(Type type, string[] path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return Resolves(type.GetGenericArguments()[1], path[1..]);
        }

        if (type != typeof(string) && type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>)) is { } list)
        {
            return int.TryParse(path[0], out _) && Resolves(list.GetGenericArguments()[0], path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanWrite: true } && Resolves(property.PropertyType, path[1..]);
    }

    /// <summary>Every string literal in the C# sources of these projects (configuration keys are named there).</summary>
    private static HashSet<string> SourceLiterals(IEnumerable<string> projects)
    {
        var literals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var directory = Path.Combine(RepositoryRoot(), "src", project);
            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                foreach (Match match in Regex.Matches(File.ReadAllText(file), "\"([A-Za-z][A-Za-z0-9_:.]*)\""))
                {
                    literals.Add(match.Groups[1].Value);
                }
            }
        }

        return literals;
    }

    private static int Number(object value) => int.Parse(value.ToString()!, System.Globalization.CultureInfo.InvariantCulture);

    private static IDictionary Map(object value) => (IDictionary)value;

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Incidents.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("The repository root (Incidents.sln) is not above the test output.");
    }
}
