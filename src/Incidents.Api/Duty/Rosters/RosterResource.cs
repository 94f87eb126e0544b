using System.Globalization;
using FluentValidation;
using Incidents.Api.Http;
using Incidents.Domain;
using Incidents.Domain.Duty.Rosters;
using Incidents.Projections.Duty;

namespace Incidents.Api.Duty.Rosters;

/// <summary>
/// One layer as sent: <c>handOff</c> is a local time HH:mm in the roster's zone, <c>shiftLength</c> an ISO 8601 duration
/// (custom rotations only), <c>startsOn</c> the local date the first member starts (default: the date the change takes effect).
/// </summary>
public sealed record LayerRequest(string? Name, int? Precedence, RotationKind? Rotation, TimeSpan? ShiftLength, string? HandOff,
    List<string>? Members, LayerDays? Days, DateOnly? StartsOn)
{
    public LayerPlan ToPlan() => new(Name!.Trim(), Precedence, Rotation ?? RotationKind.Daily, ShiftLength, LayerRequestValidator.Time(HandOff)!.Value,
        (Members ?? []).Select(m => m.Trim()).ToList(), Days ?? LayerDays.Every, StartsOn);
}

public sealed class LayerRequestValidator : AbstractValidator<LayerRequest>
{
    public const int MaxMembers = 100;

    public static TimeOnly? Time(string? raw) =>
        TimeOnly.TryParseExact(raw, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    public LayerRequestValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(FieldLimits.Id);
        RuleFor(x => x.Rotation).IsInEnum();
        RuleFor(x => x.ShiftLength).NotNull().When(x => x.Rotation == RotationKind.Custom)
            .WithMessage("A custom rotation needs 'shiftLength' (ISO 8601, PT12H, P2D).");
        RuleFor(x => x.HandOff).NotEmpty().Must(h => Time(h) is not null).WithMessage("'handOff' is a local time HH:mm, e.g. 09:00.");
        RuleFor(x => x.Members).NotEmpty().Must(m => m is null || m.Count <= MaxMembers)
            .WithMessage($"A layer has 1 to {MaxMembers} members (people's ids), in rotation order.");
        RuleForEach(x => x.Members).NotEmpty().MaximumLength(FieldLimits.Id);
        RuleFor(x => x.Days).IsInEnum();
    }
}

public sealed record OverrideResource(Guid Id, string PersonId, DateTimeOffset From, DateTimeOffset To, string? Reason, Guid? SwapId,
    DateTimeOffset RecordedAt, DateTimeOffset? CancelledAt);

public sealed record RosterLinks(string Self, string Shifts, string Calendar);

/// <summary>
/// A roster as the API shows it: the schedules in force (<c>timeline</c>, each from its effective instant), every recorded
/// change (<c>changes</c>, with when it was recorded), and the overrides. <c>version</c> is also the ETag.
/// </summary>
public sealed record RosterResource(
    Guid Id,
    long Version,
    string Name,
    string? Role,
    string TimeZone,
    bool Is24x7,
    DateTimeOffset CreatedAt,
    Actor CreatedBy,
    DateTimeOffset LastChangedAt,
    IReadOnlyList<RosterSchedule> Timeline,
    IReadOnlyList<RosterSchedule> Changes,
    IReadOnlyList<OverrideResource> Overrides,
    RosterLinks Links)
{
    public static RosterResource From(RosterDetails d)
    {
        var r = d.State!;
        var self = $"/api/v1/rosters/{d.Id}";
        return new RosterResource(d.Id, d.Version, r.Name, r.Role, r.TimeZone, r.Is24x7, r.CreatedAt, d.CreatedBy, d.LastChangedAt,
            r.Timeline(), r.Changes, r.Overrides.Select(o => new OverrideResource(o.Id, o.PersonId, o.From, o.To, o.Reason, o.SwapId,
                o.RecordedAt, o.CancelledAt)).ToList(), new RosterLinks(self, self + "/shifts", self + "/calendar.ics"));
    }
}
