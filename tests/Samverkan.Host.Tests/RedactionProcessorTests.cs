using System.Diagnostics;
using Samverkan.Host.Telemetry;

namespace Samverkan.Host.Tests;

/// <summary>
/// The patterns of <see cref="RedactionProcessor"/>, the last line before an exporter: what must be recognised as a
/// child key or a personal identity number (and replaced), and what must be left as it is (ids, timestamps, routes).
/// </summary>
public sealed class RedactionProcessorTests
{
    public static TheoryData<string, string> PersonalDataAndItsRedaction => new()
    {
        // Child keys (c_ and the pseudonym), alone and inside other text.
        { "c_zmkxo4xlvo7hcepqw75d", "[redacted]" },
        { "c_abc", "[redacted]" },
        { "c_with-dash_and_underscore", "[redacted]" },
        { "child c_zmkxo4xlvo7hcepqw75d opened", "child [redacted] opened" },
        { "keys c_aaaaaaaaaaaaaaaaaaaa,c_bbbbbbbbbbbbbbbbbbbb", "keys [redacted],[redacted]" },
        // Personal identity numbers: 12 digits, 10 digits, with '-' or '+' (100 years or older), in text.
        { "201408152393", "[redacted]" },
        { "20140815-2393", "[redacted]" },
        { "1408152393", "[redacted]" },
        { "140815-2393", "[redacted]" },
        { "140815+2393", "[redacted]" },
        { "19120212-1212", "[redacted]" },
        { "reported for 201408152393 by phone", "reported for [redacted] by phone" },
        { "pnr=140815-2393;", "pnr=[redacted];" },
        // Orleans grain ids that carry a child key, in their usual shapes.
        { "child/c_zmkxo4xlvo7hcepqw75d", "child/[redacted]" },
        { "ChildGrain/c_zmkxo4xlvo7hcepqw75d", "ChildGrain/[redacted]" },
        { "sys.svc.user.child/c_zmkxo4xlvo7hcepqw75d@1a2b3c", "sys.svc.user.child/[redacted]@1a2b3c" },
        { "[GrainId child/c_zmkxo4xlvo7hcepqw75d]", "[GrainId child/[redacted]]" },
        // URLs with a key or a number in the path or the query.
        { "/api/v1/children/c_zmkxo4xlvo7hcepqw75d/overview", "/api/v1/children/[redacted]/overview" },
        { "https://samverkan.example/api/v1/children/c_zmkxo4xlvo7hcepqw75d/consents", "https://samverkan.example/api/v1/children/[redacted]/consents" },
        { "/api/v1/audit/children/c_zmkxo4xlvo7hcepqw75d?from=2026-01-01", "/api/v1/audit/children/[redacted]?from=2026-01-01" },
        { "/search?key=c_zmkxo4xlvo7hcepqw75d&x=1", "/search?key=[redacted]&x=1" },
        { "/lookup?pnr=201408152393", "/lookup?pnr=[redacted]" },
        { "/lookup?pnr=20140815-2393&reason=oro", "/lookup?pnr=[redacted]&reason=oro" },
        { "GET /api/v1/children/c_zmkxo4xlvo7hcepqw75d/overview", "GET /api/v1/children/[redacted]/overview" },
    };

    public static TheoryData<string> NotPersonalData => new()
    {
        // Route templates, ids and names of things that are not children.
        "/api/v1/children/{key}/overview",
        "GET /api/v1/cases/{id}",
        "s-norrskolan",
        "t-tall-eht",
        "org-1280-skola",
        "case/9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b",
        // 'c_' inside a word is not a key (abc_def, etc_x, db.query.parameter names).
        "abc_def",
        "proc_name",
        "select * from coord_cases where case_id = $1",
        "actor_mailbox",
        "etc_x",
        // Digits that are not a personal identity number: too short, too long, or part of a longer number.
        "12345",
        "123456789",
        "1234567890123",
        "20260323070000123",
        "trace 4bf92f3577b34da6a3ce929d0e0e4736",
        "2026-03-23T07:00:00Z",
        "2026-03-23",
        "port 5432, pid 5678",
        "http.server.request.duration",
        "status 503 Retry-After 5",
        "",
    };

    [Theory]
    [MemberData(nameof(PersonalDataAndItsRedaction))]
    public void PersonalData_IsRecognised_AndReplaced(string value, string redacted)
    {
        RedactionProcessor.HasPersonalData(value).ShouldBeTrue(value);
        RedactionProcessor.Redact(value).ShouldBe(redacted);
    }

    [Theory]
    [MemberData(nameof(NotPersonalData))]
    public void OtherValues_AreLeftAsTheyAre(string value)
    {
        RedactionProcessor.HasPersonalData(value).ShouldBeFalse(value);
        RedactionProcessor.Redact(value).ShouldBe(value);
    }

    [Fact]
    public void AnEndingSpan_LosesUrlQueryParameterAndGrainIdTags_AndHasKeysAndNumbersRedactedElsewhere()
    {
        using var activity = new Activity("GET /api/v1/children/c_zmkxo4xlvo7hcepqw75d/overview");
        activity.SetTag("url.full", "https://x.example/api/v1/children/c_zmkxo4xlvo7hcepqw75d/overview?pnr=201408152393");
        activity.SetTag("url.query", "pnr=201408152393");
        activity.SetTag("http.url", "https://x.example/?a=1");
        activity.SetTag("http.target", "/api/v1/children/c_zmkxo4xlvo7hcepqw75d");
        activity.SetTag("orleans.grain.id", "child/c_zmkxo4xlvo7hcepqw75d");
        activity.SetTag("orleans.rpc.target_id", "child/c_zmkxo4xlvo7hcepqw75d");
        activity.SetTag("db.query.parameter.p1", "201408152393");
        activity.SetTag("url.path", "/api/v1/children/c_zmkxo4xlvo7hcepqw75d/overview");
        activity.SetTag("http.route", "/api/v1/children/{key}/overview");
        activity.SetTag("http.response.status_code", 200);
        activity.SetStatus(ActivityStatusCode.Error, "no child 140815-2393");
        activity.DisplayName = "GET /api/v1/children/c_zmkxo4xlvo7hcepqw75d/overview";

        using var processor = new RedactionProcessor();
        processor.OnEnd(activity);

        foreach (var dropped in new[] { "url.full", "url.query", "http.url", "http.target", "orleans.grain.id", "orleans.rpc.target_id", "db.query.parameter.p1" })
        {
            activity.GetTagItem(dropped).ShouldBeNull(dropped);
        }

        activity.GetTagItem("url.path").ShouldBe("/api/v1/children/[redacted]/overview");
        activity.GetTagItem("http.route").ShouldBe("/api/v1/children/{key}/overview");
        activity.GetTagItem("http.response.status_code").ShouldBe(200);
        activity.DisplayName.ShouldBe("GET /api/v1/children/[redacted]/overview");
        activity.StatusDescription.ShouldBe("no child [redacted]");
        activity.Status.ShouldBe(ActivityStatusCode.Error);
    }
}
