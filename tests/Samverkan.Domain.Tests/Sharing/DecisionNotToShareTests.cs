using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Sharing;

public class DecisionNotToShareTests
{
    private static DecisionNotToShare Decision(string reason = "Vårdnadshavarna samtycker inte") => new()
    {
        Id = "nts-1",
        Recipients = [RegionOrganisation],
        Categories = [InformationCategory.SocialCircumstances],
        Reason = reason,
        DecidedAt = At("2025-10-01 10:00"),
        DecidedBy = new StaffId("sofia"),
    };

    [Fact]
    public void RecordDecisionNotToShare_KeepsTheDecisionAndRaisesAnEvent()
    {
        var decision = ChildDecisions.RecordDecisionNotToShare(Child(), Decision(), Context(At("2025-10-01 10:00")));

        decision.IsRefused.ShouldBeFalse();
        decision.NewState.DecisionsNotToShare.ShouldHaveSingleItem().Reason.ShouldBe("Vårdnadshavarna samtycker inte");
        decision.Events.OfType<SharingDeclined>().ShouldHaveSingleItem().Decision.ShouldBe("nts-1");
        decision.NewState.Consents.ShouldBeEmpty("a decision not to share never opens access");
    }

    [Fact]
    public void RecordDecisionNotToShare_IsIdempotentAndRefusesAnotherDecisionWithTheSameId()
    {
        var once = ChildDecisions.RecordDecisionNotToShare(Child(), Decision(), Context(At("2025-10-01 10:00")));

        var again = ChildDecisions.RecordDecisionNotToShare(once.NewState, Decision(), Context(At("2025-10-01 10:01")));
        var other = ChildDecisions.RecordDecisionNotToShare(once.NewState, Decision("Annat skäl"), Context(At("2025-10-01 10:01")));

        again.NewState.ShouldBeSameAs(once.NewState);
        again.Events.ShouldBeEmpty();
        other.Error!.Code.ShouldBe(ChildErrors.DecisionExists);
    }

    public static TheoryData<string, Func<DecisionNotToShare, DecisionNotToShare>, string> Invalid => new()
    {
        { "no reason", d => d with { Reason = " " }, "reason" },
        { "a reason too long", d => d with { Reason = new string('x', DecisionNotToShare.MaxReasonLength + 1) }, "reason" },
        { "no recipients", d => d with { Recipients = [] }, "recipients" },
        { "no categories", d => d with { Categories = [] }, "categories" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RecordDecisionNotToShare_RefusesAnIncompleteDecision(string because, Func<DecisionNotToShare, DecisionNotToShare> change, string field)
    {
        var decision = ChildDecisions.RecordDecisionNotToShare(Child(), change(Decision()), Context(At("2025-10-01 10:00")));

        decision.Error!.Code.ShouldBe(ChildErrors.Invalid, because);
        decision.Error.Fields.ShouldContain(f => f.Field == field, because);
    }
}
