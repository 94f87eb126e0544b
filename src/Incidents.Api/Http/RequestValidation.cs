using System.Reflection;
using FluentValidation;
using FluentValidation.Results;

namespace Incidents.Api.Http;

/// <summary>Runs a FluentValidation validator and turns failures into a 400 problem naming each field.</summary>
public static class RequestValidation
{
    public static IResult? Check<T>(HttpContext http, IValidator<T> validator, T? request)
    {
        if (request is null)
        {
            return Problems.Validation(http, new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });
        }

        var errors = new Dictionary<string, string[]>();
        FindControlCharacters(request, "", errors, depth: 0);
        var result = validator.Validate(request);
        foreach (var (field, messages) in ToErrors(result))
        {
            errors[field] = errors.TryGetValue(field, out var earlier) ? [.. earlier, .. messages] : messages;
        }

        return errors.Count == 0 ? null : Problems.Validation(http, errors);
    }

    /// <summary>
    /// No text field may carry control characters (NUL cannot even be stored); line breaks and tabs are fine.
    /// Walks the request's string properties, nested records and lists included, so every slice gets the check.
    /// </summary>
    private static void FindControlCharacters(object value, string path, Dictionary<string, string[]> errors, int depth)
    {
        if (depth > 3)
        {
            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var name = path + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var content = property.GetValue(value);
            if (content is System.Collections.IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    Inspect(item, $"{name}[{index++}]", errors, depth);
                }
            }
            else
            {
                Inspect(content, name, errors, depth);
            }
        }
    }

    private static void Inspect(object? content, string name, Dictionary<string, string[]> errors, int depth)
    {
        if (content is string text && text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors[name] = ["Control characters are not allowed."];
        }
        else if (content is not null and not string && content.GetType() is var type && !type.IsEnum && !type.IsValueType
            && type.Namespace?.StartsWith("Incidents", StringComparison.Ordinal) == true)
        {
            FindControlCharacters(content, name + ".", errors, depth + 1);
        }
    }

    private static Dictionary<string, string[]> ToErrors(ValidationResult result) => result.Errors
        .GroupBy(e => CamelCasePath(e.PropertyName))
        .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    private static string CamelCasePath(string path) =>
        string.Join('.', path.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

/// <summary>Shared limits so every slice says the same thing about sizes.</summary>
public static class FieldLimits
{
    public const int Title = 200;
    public const int Description = 4000;
    public const int SystemName = 100;
    public const int PersonName = 100;
    public const int Phone = 32;
    public const int Email = 254;
    public const int Reason = 1000;
    public const int Summary = 4000;
    public const int Comment = 4000;
    public const int Id = 100;
}
