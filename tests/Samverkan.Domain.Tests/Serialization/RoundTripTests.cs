using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Cases.Events;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;
using Samverkan.Domain.Tests.Concerns;
using static Samverkan.Domain.Tests.Cases.CaseTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Serialization;

public class RoundTripTests
{
    public static TheoryData<string> Options => ["default", "web"];

    private static JsonSerializerOptions For(string name) => name == "web" ? JsonSerializerOptions.Web : JsonSerializerOptions.Default;

    /// <summary>A child with a profile, sealed and open absence days, concerns, a reporter, a watch, a consent, rule tracks and an open case.</summary>
    private static (ChildState State, ImmutableArray<ChildEvent> Events) RichChild()
    {
        var child = Child() with
        {
            Profile = Profile(Key()) with
            {
                Guardians = [new GuardianRef("guardian-1")],
                ProtectedIdentity = true,
                PlacedInCare = new CarePlacement(new MunicipalityCode("1880"), D("2025-01-01")),
            },
            Consents =
            [
                new Consent
                {
                    Id = new ConsentId("consent-1"),
                    GivenBy = [new ConsentGiver(ConsentGiverKind.Guardian, new GuardianRef("guardian-1")), new ConsentGiver(ConsentGiverKind.Child)],
                    Recipients = [SocialServicesOrganisation],
                    Categories = [InformationCategory.Attendance, InformationCategory.CaseWork],
                    Purpose = "Samverkan",
                    ValidFrom = At("2025-08-01 00:00"),
                    RecordedAt = At("2025-08-01 09:00"),
                    RecordedBy = Counsellor,
                },
            ],
            DecisionsNotToShare =
            [
                new DecisionNotToShare
                {
                    Id = "nts-1",
                    Recipients = [RegionOrganisation],
                    Categories = [InformationCategory.SocialCircumstances],
                    Reason = "Inget samtycke",
                    DecidedAt = At("2025-08-02 09:00"),
                    DecidedBy = Counsellor,
                },
            ],
        };
        var events = ImmutableArray.CreateBuilder<ChildEvent>();
        var early = SchoolDays("2025-08-18", "2025-08-29").Select(d => Registration(child.Key, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), offered: 60, excused: 30, lesson: "l1", reportedAt: "2025-08-29 16:00")).ToList();
        var decision = ChildDecisions.RegisterAbsence(child, early, Context(At("2025-08-29 18:00")));
        events.AddRange(decision.Events);
        decision = ChildDecisions.ReportConcern(decision.NewState, ConcernTestKit.Report("c1", "2025-09-01"), Context(At("2025-09-01 10:00")));
        events.AddRange(decision.Events);
        decision = ChildDecisions.RecordConcernOutcome(decision.NewState, new ConcernId("c1"), ConcernTestKit.NotOpened("2025-09-08 10:00"), Context(At("2025-09-08 10:00")));
        events.AddRange(decision.Events);
        var later = SchoolDays("2025-09-15", "2025-10-10").Select((d, i) => Registration(child.Key, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), unexcused: i < 10 ? 300 : 0, reportedAt: "2025-10-10 16:00")).ToList();
        decision = ChildDecisions.RegisterAbsence(decision.NewState, later, Context(At("2025-10-10 18:00")));
        events.AddRange(decision.Events);
        return (decision.NewState, events.ToImmutable());
    }

    private static CaseState RichCase()
    {
        var (child, _) = RichChild();
        var trigger = ChildDecisions.Evaluate(child with { RuleTracks = [], OpenCases = [] }, Context(At("2025-10-10 18:00"))).CaseTriggers.Single();
        var state = CaseDecisions.Open(null, trigger, CaseContextAt(At("2025-10-10 18:00"))).NewState!;
        state = CaseDecisions.Acknowledge(state, SocialWorker, CaseContextAt(At("2025-10-13 09:00"))).NewState!;
        state = CaseDecisions.Transition(state, CaseStatus.Planning, SocialWorker, CaseContextAt(At("2025-10-14 09:00"))).NewState!;
        return CaseDecisions.RecordDecisionNotToAct(state, SocialWorker, "Familjen har redan stöd.", CaseContextAt(At("2025-10-15 09:00"))).NewState!;
    }

    private static void ShouldRoundTrip<T>(T value, JsonSerializerOptions options)
    {
        var json = JsonSerializer.Serialize(value, options);
        var back = JsonSerializer.Deserialize<T>(json, options);

        JsonSerializer.Serialize(back, options).ShouldBe(json);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void ChildState_RoundTrips(string options)
    {
        var (state, _) = RichChild();

        state.Absence.Days.ShouldContain(d => d.Sealed);
        state.Absence.Days.ShouldContain(d => !d.Entries.IsEmpty);
        state.Watch.ShouldNotBeNull();
        state.OpenCases.ShouldNotBeEmpty();
        state.RuleTracks.ShouldNotBeEmpty();
        ShouldRoundTrip(state, For(options));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void CaseState_RoundTrips(string options)
    {
        var state = RichCase();

        state.Evidence.Single().Firings.ShouldContain(f => f.Evidence.Window != null);
        state.Participants.ShouldContain(p => p.Basis != null);
        ShouldRoundTrip(state, For(options));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void ConfigurationRecords_RoundTrip(string options)
    {
        var o = For(options);
        var school = School() with
        {
            RuleOverrides = new SchoolRuleOverrides
            {
                School = SchoolA,
                Version = new RuleSetVersion(2, Principal, At("2025-08-01 10:00"), "Rektors beslut"),
                Overrides = [new RuleOverride { Rule = RuleIds.UnexcusedAbsence, Count = 4, CountingUnit = UnexcusedCountingUnit.Lesson }],
            },
        };

        ShouldRoundTrip(RuleSets.Defaults(Borlange, At("2025-08-01 10:00")), o);
        ShouldRoundTrip(school, o);
        ShouldRoundTrip(SchoolCalendarDefinition.SwedishDefault(Borlange, 2025, 2026), o);
        ShouldRoundTrip(new Team { Id = StudentHealthTeam, Name = "EHT", Agency = Agency.School, Organisation = SchoolOrganisation, Municipality = Borlange, Members = [new TeamMember(Counsellor, StaffRole.Counsellor)] }, o);
        ShouldRoundTrip(new Staff { Id = Counsellor, DisplayName = "Kim Kurator", Organisation = SchoolOrganisation, Agency = Agency.School, Roles = [StaffRole.Counsellor], Manager = Principal }, o);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Events_RoundTripWithTheirType(string options)
    {
        var (_, childEvents) = RichChild();
        var o = For(options);
        var json = JsonSerializer.Serialize(childEvents, o);
        var back = JsonSerializer.Deserialize<ImmutableArray<ChildEvent>>(json, o);

        back.Select(e => e.GetType()).ShouldBe(childEvents.Select(e => e.GetType()));
        json.ShouldContain("\"type\":\"rule-fired\"");
        json.ShouldContain("\"type\":\"watch-started\"");

        var caseEvents = CaseDecisions.Open(null, Trigger(), CaseContextAt(At("2025-10-10 10:00"))).Events;
        var caseJson = JsonSerializer.Serialize(caseEvents, o);
        JsonSerializer.Deserialize<ImmutableArray<CaseEvent>>(caseJson, o).Select(e => e.GetType()).ShouldBe([typeof(CaseOpened), typeof(SocialServicesNotIncluded)]);
    }

    [Fact]
    public void Json_WritesEnumsAsStringsAndIdsAsPlainStrings()
    {
        var json = JsonSerializer.Serialize(RichCase(), JsonSerializerOptions.Web);

        json.ShouldContain("\"kind\":\"WatchSignal\"");
        json.ShouldContain("\"status\":\"Closed\"");
        json.ShouldContain($"\"child\":\"{Key().Value}\"");
        json.ShouldNotContain("\"kind\":2");
    }

    public static TheoryData<Type> StateRoots => [typeof(ChildState), typeof(CaseState), typeof(MunicipalityRuleSet), typeof(School), typeof(SchoolCalendarDefinition), typeof(Team), typeof(Staff)];

    [Theory]
    [MemberData(nameof(StateRoots))]
    public void PersistedState_UsesNoInterfacesOnlyImmutableCollectionsAndNoComputedProperties(Type root)
    {
        var seen = new HashSet<Type>();
        var problems = new List<string>();
        Visit(root);

        problems.ShouldBeEmpty();

        void Visit(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type.Namespace == "System")
            {
                return;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
            {
                Visit(type.GetGenericArguments()[0]);
                return;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is { Condition: System.Text.Json.Serialization.JsonIgnoreCondition.Always })
                {
                    continue;
                }

                if (!property.CanWrite && type.GetConstructors().All(c => c.GetParameters().All(p => !string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase))))
                {
                    problems.Add($"{type.Name}.{property.Name} is computed but written to JSON (mark it [JsonIgnore])");
                    continue;
                }

                var propertyType = property.PropertyType;
                if (propertyType.IsInterface)
                {
                    problems.Add($"{type.Name}.{property.Name} is an interface ({propertyType.Name})");
                }
                else if (propertyType.IsArray || (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() is var d && (d == typeof(List<>) || d == typeof(Dictionary<,>))))
                {
                    problems.Add($"{type.Name}.{property.Name} is a mutable collection ({propertyType.Name})");
                }

                Visit(propertyType);
            }
        }
    }
}
