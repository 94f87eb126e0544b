using Incidents.Domain.Duty.HandOffs;
using Incidents.Domain.Duty.People;
using Incidents.Domain.Duty.Rosters;
using JasperFx.Events.Projections;
using Marten;

namespace Incidents.Projections.Duty;

public static class DutyProjections
{
    /// <summary>Registers the people directory's and the rosters' event types and their inline documents.</summary>
    public static StoreOptions AddDutyProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(PersonEventTypes.All);
        options.Events.AddEventTypes(RosterEventTypes.All);
        options.Events.AddEventTypes(HandOffEventTypes.All);
        options.Projections.Add(new PersonDetailsProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new RosterDetailsProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new HandOffDetailsProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<PersonDetails>().UniqueIndex(x => x.PersonId).Duplicate(x => x.Team);
        options.Schema.For<RosterDetails>().Duplicate(x => x.Role);
        options.Schema.For<HandOffDetails>().Duplicate(x => x.RosterId).Duplicate(x => x.At);
        return options;
    }
}
