using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Concerns;

internal static class ConcernTestKit
{
    public static ConcernReport Report(string id, string date, bool urgent = false, ConcernCategory category = ConcernCategory.Neglect) => new()
    {
        Id = new ConcernId(id),
        ReportingOrganisation = SchoolOrganisation,
        ReportingAgency = Agency.School,
        ReporterRole = StaffRole.Counsellor,
        Category = category,
        Date = D(date),
        Summary = "Eleven berättar om oro hemma.",
        Urgent = urgent,
        Reporter = new ReporterIdentity(Counsellor),
    };

    public static ConcernOutcome NotOpened(string decidedAt) => new(InvestigationDecision.NotOpened, At(decidedAt), ContactAnna, "Ingen grund för utredning.");

    public static ConcernOutcome Opened(string decidedAt) => new(InvestigationDecision.Opened, At(decidedAt), ContactAnna);
}
