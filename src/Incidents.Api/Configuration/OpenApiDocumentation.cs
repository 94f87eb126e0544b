using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using FluentValidation;
using FluentValidation.Validators;
using Incidents.Api.Http;
using Incidents.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Incidents.Api.Configuration;

/// <summary>
/// Turns what each endpoint declares about itself into the OpenAPI document: its <c>[EndpointSummary]</c>,
/// <c>[EndpointDescription]</c>, <c>[Tags]</c> and responses are read by ASP.NET Core; this adds what the framework
/// does not read from a Wolverine endpoint: the <c>[Description]</c> of its route parameters and of the properties of its
/// <c>[AsParameters]</c> query record, the headers it reads itself (<see cref="ReadsHeaderAttribute"/>), the roles of its
/// <c>[Authorize]</c> policy. Then the parts that belong to the whole document: the bearer-token scheme and requirement,
/// the server (configuration <c>OpenApi:ServerUrl</c>) and contact (<c>OpenApi:Contact</c>), the tags, the correlation-id
/// header every operation takes.
/// </summary>
public static class OpenApiDocumentation
{
    public const string ServerUrlSetting = "OpenApi:ServerUrl";

    public const string ContactSection = "OpenApi:Contact";

    private const string BearerScheme = "Bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, context, _) =>
        {
            DescribeDocument(document, context.ApplicationServices.GetRequiredService<IConfiguration>());
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (RequiredByValidators(context.JsonTypeInfo.Type) is { } required)
            {
                schema.Required = required;
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        });
    }

    internal static void DescribeDocument(OpenApiDocument document, IConfiguration configuration)
    {
        document.Info.Title = "Incidents API";
        document.Info.Description = "Incident and emergency response for the hotline desk: every step an immutable event. " +
            "Errors are RFC 9457 problems (`application/problem+json`) whose `type` is `urn:incidents:problem:` followed by a " +
            "stable code, which the `code` member repeats: for example `urn:incidents:problem:incident.not-found`. " +
            "Field validation names each field in `errors`. Every request needs a bearer token (docs/security.md).";
        if (configuration.GetSection(ContactSection) is var contact && contact["Name"] is { Length: > 0 } contactName)
        {
            document.Info.Contact = new OpenApiContact
            {
                Name = contactName,
                Email = contact["Email"] is { Length: > 0 } email ? email : null,
                Url = Uri.TryCreate(contact["Url"], UriKind.Absolute, out var url) ? url : null,
            };
        }

        document.Components?.Schemas?.Remove("IResult");
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An OpenID Connect access token with the user's id (sub), name and role claims; see docs/security.md. " +
                "Missing or invalid: 401 auth.unauthenticated; role not allowed: 403 auth.forbidden.",
        };
        document.Security = [BearerRequirement(document)];
        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
            {
                continue;
            }

            foreach (var operation in item.Operations.Values)
            {
                operation.Security = [BearerRequirement(document)];
            }
        }

        // Configured: where clients reach the API (behind a proxy, say). Otherwise the base of the request that fetched the document.
        var configured = configuration[ServerUrlSetting];
        document.Servers = string.IsNullOrWhiteSpace(configured)
            ? (document.Servers ?? []).Select(s => new OpenApiServer { Url = s.Url?.TrimEnd('/'), Description = "This host" }).ToList()
            : [new OpenApiServer { Url = configured.Trim().TrimEnd('/'), Description = "Configured (OpenApi:ServerUrl)" }];

        document.Tags = new HashSet<OpenApiTag>(ApiTags.All.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
    }

    private static OpenApiSecurityRequirement BearerRequirement(OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] };

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        if (policy is not null && Policies.RolesOf.TryGetValue(policy, out var roles))
        {
            operation.Description = $"{operation.Description} Roles: {string.Join(", ", roles)} (docs/security.md).".Trim();
        }

        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, response) in operation.Responses.ToList())
        {
            // Wolverine documents 200 for the IResult an endpoint returns and a 404 for a missing resource; the endpoints
            // answer through IResult, and every 404 of theirs is a problem they declare themselves.
            var refersToIResult = response.Content?.Values.Any(c => c.Schema is OpenApiSchemaReference { Reference.Id: "IResult" }) == true;
            var undeclaredNotFound = status == "404" && response.Content?.ContainsKey(Problems.ContentType) != true;
            if (refersToIResult || undeclaredNotFound)
            {
                operation.Responses.Remove(status);
            }
            else if (CommonAnswers.TryGetValue(status, out var answer) && response is OpenApiResponse concrete)
            {
                concrete.Description = answer;
            }
        }

        operation.Parameters ??= [];
        if (context.Description.ActionDescriptor is ControllerActionDescriptor { MethodInfo: { } method })
        {
            DescribeParameters(operation, method);
        }

        foreach (var header in metadata.OfType<ReadsHeaderAttribute>().DistinctBy(h => h.Name))
        {
            operation.Parameters.Add(Parameter(header.Name, ParameterLocation.Header, header.Description));
        }

        operation.Parameters.Add(Parameter(CorrelationId.HeaderName, ParameterLocation.Header,
            "Your correlation id (letters, digits, - _ . :, at most 64); echoed and stored on the events caused."));
    }

    /// <summary>The answers every operation may give for the same reasons, worded once.</summary>
    private static readonly Dictionary<string, string> CommonAnswers = new()
    {
        ["401"] = "No bearer token, or an invalid or expired one (auth.unauthenticated).",
        ["403"] = "The token's role does not allow this, or this incident, or (dispatch, arrival) a responder other than yourself (auth.forbidden).",
        ["429"] = "Too many changes from you in a short time (request.rate-limited), or, on comments, too many comments on this "
            + "incident in the last hour (incident.comment-limit); Retry-After says when to try again.",
        ["503"] = "The database or the broker is unavailable for the moment (service.unavailable); nothing was stored; Retry-After says when to try again.",
    };

    /// <summary>
    /// Route parameters take the <c>[Description]</c> of the endpoint's parameter of the same name; query parameters the
    /// <c>[Description]</c> (and <c>[Range]</c>, for whole numbers) of the property of the <c>[AsParameters]</c> record
    /// that binds them.
    /// </summary>
    private static void DescribeParameters(OpenApiOperation operation, MethodInfo method)
    {
        var described = new Dictionary<(string Name, ParameterLocation In), ICustomAttributeProvider>();
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                foreach (var property in parameter.ParameterType.GetProperties())
                {
                    if (property.GetCustomAttribute<FromQueryAttribute>() is { } query)
                    {
                        described[(query.Name ?? property.Name, ParameterLocation.Query)] = property;
                    }
                }
            }
            else if (parameter.Name is { } name)
            {
                described[(name, ParameterLocation.Path)] = parameter;
            }
        }

        foreach (var parameter in operation.Parameters!.OfType<OpenApiParameter>())
        {
            var key = described.Keys.FirstOrDefault(k => k.In == parameter.In && string.Equals(k.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (key.Name is null)
            {
                continue;
            }

            var member = described[key];
            parameter.Description ??= Attribute<DescriptionAttribute>(member)?.Description;
            if (Attribute<RangeAttribute>(member) is { } range)
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Minimum = Convert.ToString(range.Minimum, CultureInfo.InvariantCulture),
                    Maximum = Convert.ToString(range.Maximum, CultureInfo.InvariantCulture),
                };
            }
        }
    }

    private static T? Attribute<T>(ICustomAttributeProvider member) where T : Attribute =>
        member.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();

    private static OpenApiParameter Parameter(string name, ParameterLocation location, string description) => new()
    {
        Name = name,
        In = location,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static readonly Dictionary<Type, IValidator> Validators = typeof(OpenApiDocumentation).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsClass: true } && t.BaseType is { IsGenericType: true } b
            && b.GetGenericTypeDefinition() == typeof(AbstractValidator<>))
        .ToDictionary(t => t.BaseType!.GetGenericArguments()[0], t => (IValidator)Activator.CreateInstance(t)!);

    /// <summary>
    /// The request fields a validator insists on (NotNull / NotEmpty without a condition), in JSON names; null for types
    /// without a validator. Keeps "required" in the document true to what the API enforces.
    /// </summary>
    private static HashSet<string>? RequiredByValidators(Type type)
    {
        if (!type.Name.EndsWith("Request", StringComparison.Ordinal))
        {
            return null;
        }

        if (!Validators.TryGetValue(type, out var validator))
        {
            return [];
        }

        var descriptor = validator.CreateDescriptor();
        return descriptor.GetMembersWithValidators()
            .Where(member => !member.Key.Contains('.', StringComparison.Ordinal))
            .Where(member => member.Any(v => v.Validator is INotNullValidator or INotEmptyValidator && !v.Options.HasCondition))
            .Select(member => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member.Key))
            .ToHashSet();
    }
}
