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

        var result = validator.Validate(request);
        return result.IsValid ? null : Problems.Validation(http, ToErrors(result));
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
