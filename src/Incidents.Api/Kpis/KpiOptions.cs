using Incidents.Domain.Kpis;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Kpis;

/// <summary>Configuration section <c>Kpis</c>: the service's time zone that days and months are counted in.</summary>
public sealed class KpiOptions
{
    public const string Section = "Kpis";

    /// <summary>An IANA time zone id (default Asia/Shanghai).</summary>
    public string? TimeZone { get; set; }
}

/// <summary>Refuses to start on a time zone the system does not know, instead of failing the first KPI request.</summary>
public sealed class KpiOptionsValidator : IValidateOptions<KpiOptions>
{
    public ValidateOptionsResult Validate(string? name, KpiOptions options)
    {
        var id = options.TimeZone is { Length: > 0 } zone ? zone : KpiPeriod.DefaultTimeZone;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{KpiOptions.Section}:TimeZone '{id}' is not a time zone this system knows; use an IANA id such as Asia/Shanghai.");
    }
}
