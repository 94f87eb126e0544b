namespace Incidents.Domain.Assurance;

/// <summary>
/// A key-assurance period's rules: pure functions from (command, current state, rules, now) to events or a refusal. The
/// life is planned → active (the window opens) → completed (the window closes, with its summary); cancelled is possible
/// before completion. Activation and completion are by the clock: durable timers at the window's start and end, each
/// carrying the instant it was made for, so a stale or duplicated timer changes nothing.
/// </summary>
public static class KeyAssuranceDecider
{
    public static Decision Decide(PlanKeyAssurancePeriod command, KeyAssurancePeriod? state, KeyAssuranceRules rules, DateTimeOffset now)
    {
        if (state is not null)
        {
            return KeyAssuranceErrors.AlreadyPlanned(command.PeriodId);
        }

        var window = command.Window;
        if (window.End <= window.Start)
        {
            return KeyAssuranceErrors.WindowInverted(window);
        }

        if (window.Length > rules.MaxLength)
        {
            return KeyAssuranceErrors.WindowTooLong(window, rules.MaxLength);
        }

        if (window.End <= now)
        {
            return KeyAssuranceErrors.WindowOver(window, now);
        }

        if (rules.KnownSystems.Count > 0)
        {
            for (var i = 0; i < command.Systems.Count; i++)
            {
                if (!rules.KnownSystems.Contains(command.Systems[i], StringComparer.OrdinalIgnoreCase))
                {
                    return KeyAssuranceErrors.UnknownSystem(i, command.Systems[i]);
                }
            }
        }

        return Decision.Accept(new KeyAssurancePeriodPlanned(command.PeriodId, command.Name, command.Kind, window.Start, window.End,
            command.Systems.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), command.Plan, command.RosterId, command.By, now));
    }

    /// <summary>The window opens: only a planned period, only for the start the timer was made for.</summary>
    public static Decision Decide(ActivateKeyAssurancePeriod command, KeyAssurancePeriod state, DateTimeOffset now)
    {
        if (state.Status != KeyAssuranceStatus.Planned)
        {
            return KeyAssuranceErrors.NotPlanned(state.Id, state.Status, "activated");
        }

        if (command.ForStart != state.Window.Start)
        {
            return KeyAssuranceErrors.StartMoved(state.Id, state.Window.Start);
        }

        return Decision.Accept(new KeyAssurancePeriodActivated(state.Id, command.By, now));
    }

    /// <summary>
    /// The window closes with its summary: only an active period, for the end the timer was made for. (A period whose start
    /// timer has not run yet — the service was down across the whole window — is activated and completed together.)
    /// </summary>
    public static Decision Decide(CompleteKeyAssurancePeriod command, KeyAssurancePeriod state, DateTimeOffset now)
    {
        if (command.ForEnd != state.Window.End)
        {
            return KeyAssuranceErrors.EndMoved(state.Id, state.Window.End);
        }

        var completed = new KeyAssurancePeriodCompleted(state.Id, command.Summary, command.By, now);
        return state.Status switch
        {
            KeyAssuranceStatus.Active => Decision.Accept(completed),
            KeyAssuranceStatus.Planned => Decision.Accept(new KeyAssurancePeriodActivated(state.Id, command.By, now), completed),
            _ => KeyAssuranceErrors.Finished(state.Id, state.Status),
        };
    }

    public static Decision Decide(CancelKeyAssurancePeriod command, KeyAssurancePeriod state, DateTimeOffset now) => state.Status switch
    {
        KeyAssuranceStatus.Planned or KeyAssuranceStatus.Active =>
            Decision.Accept(new KeyAssurancePeriodCancelled(state.Id, command.Reason, command.By, now)),
        _ => KeyAssuranceErrors.Finished(state.Id, state.Status),
    };

    /// <summary>
    /// The period an incident on <paramref name="system"/> reported at <paramref name="at"/> falls under, if any: an active
    /// period whose window holds the instant and whose scope names the system. Of several, the one that started first
    /// (then the lowest id), so the choice does not depend on the order they were read in.
    /// </summary>
    public static KeyAssurancePeriod? Covering(IEnumerable<KeyAssurancePeriod> periods, string system, DateTimeOffset at) =>
        periods.Where(p => p.Covers(system, at)).OrderBy(p => p.Window.Start).ThenBy(p => p.Id).FirstOrDefault();
}
