using Samverkan.Domain.Common;

namespace Samverkan.Domain.Calendar;

/// <summary>
/// A day when schools are closed nationally. <see cref="IsDeFacto"/> marks the eves (midsummer, Christmas,
/// New Year) that are not public holidays in law but are treated as such by schools and employers.
/// </summary>
public sealed record PublicHoliday(DateOnly Date, string Key, LocalizedText Name, bool IsDeFacto = false);
