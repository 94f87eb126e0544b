using Incidents.Dispatch;
using Incidents.IntegrationTests.Infrastructure;
using Incidents.Telemetry.Edges;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Incidents.IntegrationTests.Security;

/// <summary>
/// How every broker client reads ConnectionStrings:RabbitMq (issue #14): amqps means TLS, and a URI without a user stops
/// the start outside Development instead of quietly connecting as guest.
/// </summary>
public sealed class BrokerAddressTests
{
    [Fact]
    public void an_amqps_uri_asks_for_tls_on_port_5671_and_amqp_for_plain_text_on_5672()
    {
        var tls = BrokerAddress.Parse("amqps://incidents-api:s%40cret@mq.example.org/prod", "Production");
        tls.ShouldBe(new BrokerAddress("mq.example.org", 5671, "prod", "incidents-api", "s@cret", UseTls: true));
        var plain = BrokerAddress.Parse("amqp://incidents-worker:pw@127.0.0.1/", "Production");
        plain.ShouldBe(new BrokerAddress("127.0.0.1", 5672, "/", "incidents-worker", "pw", UseTls: false));
        BrokerAddress.Parse("amqps://u:p@mq.example.org:15671/v", "Production").Port.ShouldBe(15671);
    }

    [Fact]
    public void the_address_handed_to_rabbitmq_client_keeps_tls_the_user_and_the_vhost()
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = BrokerAddress.Parse("amqps://incidents-api:p%2Fw@mq.example.org/prod", "Production").ToUri() };
        factory.Ssl.Enabled.ShouldBeTrue();
        factory.Ssl.ServerName.ShouldBe("mq.example.org");
        factory.Port.ShouldBe(5671);
        (factory.UserName, factory.Password, factory.VirtualHost).ShouldBe(("incidents-api", "p/w", "prod"));

        var local = new RabbitMQ.Client.ConnectionFactory { Uri = BrokerAddress.Parse("amqp://127.0.0.1:5672", "Development").ToUri() };
        local.Ssl.Enabled.ShouldBeFalse();
        (local.UserName, local.VirtualHost).ShouldBe(("guest", "/"));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void a_uri_without_a_user_is_refused_outside_development(string environment)
    {
        var refused = Should.Throw<InvalidOperationException>(() => BrokerAddress.Parse("amqps://mq.example.org/prod", environment));
        refused.Message.ShouldContain("ConnectionStrings:RabbitMq names no user");
        refused.Message.ShouldContain(environment);
    }

    [Fact]
    public void only_development_falls_back_to_guest_and_other_schemes_are_refused()
    {
        BrokerAddress.Parse("amqp://127.0.0.1:5672/", "Development").UserName.ShouldBe("guest");
        Should.Throw<InvalidOperationException>(() => BrokerAddress.Parse("http://u:p@127.0.0.1:5672/", "Development"))
            .Message.ShouldContain("amqp:// or amqps://");
        Should.Throw<InvalidOperationException>(() => BrokerAddress.Parse("", "Development")).Message.ShouldContain("not configured");
        BrokerAddress.Parse("amqp://u:secret@h/v", "Production").ToString().ShouldNotContain("secret");
    }

    [Fact]
    public void the_worker_refuses_to_start_with_a_broker_uri_that_names_no_user()
    {
        var refused = Should.Throw<InvalidOperationException>(() => DispatchHost.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dispatch"] = TestServices.TestDatabaseConnectionString,
                ["ConnectionStrings:RabbitMq"] = "amqp://127.0.0.1:5672/",
                ["Auth:DevelopmentSigningKey"] = TestTokens.SigningKey,
                ["Auth:AllowDevelopmentKeyOutsideDevelopment"] = "true",
            });
        }));
        refused.Message.ShouldContain("names no user");
    }

    [Fact]
    public async Task the_api_refuses_to_start_with_a_broker_uri_that_names_no_user()
    {
        var refused = await Should.ThrowAsync<Exception>(async () => await (await TestHost.StartAsync(TestServices.TestDatabase,
            new Dictionary<string, string> { ["ConnectionStrings:RabbitMq"] = "amqp://127.0.0.1:5672/" })).DisposeAsync());
        refused.ToString().ShouldContain("names no user");
    }
}
