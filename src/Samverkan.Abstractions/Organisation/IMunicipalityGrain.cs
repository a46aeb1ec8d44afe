namespace Samverkan.Abstractions.Organisation;

/// <summary>A municipality (the tenant): its name and region, its versioned rule set, its school calendar, its coordinators. Key: the municipality code.</summary>
[Alias("municipality")]
public interface IMunicipalityGrain : IGrainWithStringKey
{
    [Alias("upsert")]
    Task<CommandResult> UpsertAsync(UpsertMunicipality command);

    [Alias("change-rules")]
    Task<CommandResult> ChangeRulesAsync(ChangeMunicipalityRules command);

    [Alias("set-calendar")]
    Task<CommandResult> SetCalendarAsync(SetSchoolCalendar command);

    [Alias("get")]
    Task<MunicipalityState?> GetAsync();
}
