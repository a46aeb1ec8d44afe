namespace Samverkan.Domain.Identity;

/// <summary>Which series a Swedish identity number belongs to.</summary>
public enum PersonalIdentityNumberKind
{
    /// <summary>Personnummer: for people who are or have been registered in Sweden (folkbokförda).</summary>
    Personnummer,

    /// <summary>Samordningsnummer: for people who are not registered; the day of birth plus 60.</summary>
    Samordningsnummer,
}
