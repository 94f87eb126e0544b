using System.Text.Json;
using System.Xml;
using Incidents.Domain.Incidents;
using Microsoft.Extensions.Options;

namespace Incidents.Api.Configuration;

/// <summary>Reading the values policies are configured with (SLA targets, escalation chains); a bad value names itself.</summary>
public static class PolicyValues
{
    /// <summary>An incident class as configured: kebab-case (major-event) or the enum name, any case.</summary>
    public static IncidentClass Class(string value)
    {
        foreach (var incidentClass in Enum.GetValues<IncidentClass>())
        {
            if (JsonNamingPolicy.KebabCaseLower.ConvertName(incidentClass.ToString()) == value
                || incidentClass.ToString().Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return incidentClass;
            }
        }

        throw new FormatException($"Unknown incident class '{value}' (use outage, fault, major-event, security-event).");
    }

    /// <summary>An ISO 8601 duration (PT5M); <paramref name="where"/> says where it was configured.</summary>
    public static TimeSpan Duration(string value, string where)
    {
        try
        {
            return XmlConvert.ToTimeSpan(value);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{value}' in {where} is not an ISO 8601 duration such as PT5M.");
        }
    }

    /// <summary>The start-up verdict on a policy: its problems (or the value it could not read), each under its section.</summary>
    public static ValidateOptionsResult Check(string section, Func<IReadOnlyList<string>> problems)
    {
        try
        {
            var found = problems();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found.Select(p => $"{section}: {p}"));
        }
        catch (FormatException exception)
        {
            return ValidateOptionsResult.Fail($"{section}: {exception.Message}");
        }
    }
}
