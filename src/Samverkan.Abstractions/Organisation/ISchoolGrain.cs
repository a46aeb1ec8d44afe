using Samverkan.Domain.Organisation;

namespace Samverkan.Abstractions.Organisation;

/// <summary>A school unit: its student-health team, its social-services contact persons, its rule overrides. Key: the school unit id.</summary>
[Alias("school")]
public interface ISchoolGrain : IGrainWithStringKey
{
    [Alias("upsert")]
    Task<CommandResult> UpsertAsync(UpsertSchool command);

    [Alias("change-rules")]
    Task<CommandResult> ChangeRulesAsync(ChangeSchoolRules command);

    [Alias("get")]
    Task<School?> GetAsync();
}
