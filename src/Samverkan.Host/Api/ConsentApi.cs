using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>A consent to record: given by the guardians or by the child, to which organisations, for what and how long.</summary>
public sealed record ConsentRequest(
    string? Id,
    ConsentGiver[]? GivenBy,
    string[]? Recipients,
    InformationCategory[]? Categories,
    string? Purpose,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo);

/// <summary>A decision not to share some categories with some organisations, and why.</summary>
public sealed record DecisionNotToShareRequest(string? Id, string[]? Recipients, InformationCategory[]? Categories, string? Reason);

/// <summary>Where a consent stands at the moment of the request.</summary>
public enum ConsentStatus
{
    NotYetValid,
    InForce,
    Expired,
    Withdrawn,
}

public sealed record ConsentView(
    string Id,
    IReadOnlyList<ConsentGiver> GivenBy,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<InformationCategory> Categories,
    string Purpose,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidTo,
    DateTimeOffset? WithdrawnAt,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    ConsentStatus Status);

public sealed record DecisionNotToShareView(
    string Id, IReadOnlyList<string> Recipients, IReadOnlyList<InformationCategory> Categories, string Reason, DateTimeOffset DecidedAt, string? DecidedBy);

/// <summary>A child's consents and decisions not to share.</summary>
public sealed record ChildSharingView(IReadOnlyList<ConsentView> Consents, IReadOnlyList<DecisionNotToShareView> DecisionsNotToShare);

/// <summary>What a record call created.</summary>
public sealed record SharingReceipt(string Id);

/// <summary>
/// Consent and decisions not to share of one child. Only the case team, the social-services contacts, the watch owner
/// and the named person manage or read them; everyone else (and a missing child) gets 404. Every call is audited.
/// A recorded or withdrawn consent, and one that expires, changes what crosses an agency line at the next request.
/// </summary>
public static class ConsentApi
{
    public const int MaxItems = 50;

    private static readonly ImmutableHashSet<ChildRelation> Managers =
        [ChildRelation.CaseParticipant, ChildRelation.SocialServicesContact, ChildRelation.WatchOwner, ChildRelation.NamedPerson];

    public static RouteGroupBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/children/{childKey}").WithTags("Consents").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/consents", ListAsync).WithName("ListConsents").WithSummary("The child's consents and decisions not to share.")
            .WithAuditPurpose("read the child's consents");
        group.MapPost("/consents", RecordAsync).WithName("RecordConsent").WithSummary("Records a consent given by the guardians or the child.")
            .WithAuditPurpose("record a consent");
        group.MapPost("/consents/{consentId}/withdraw", WithdrawAsync).WithName("WithdrawConsent").WithSummary("Withdraws a consent from now on.")
            .WithAuditPurpose("withdraw a consent");
        group.MapPost("/decisions-not-to-share", RecordDecisionNotToShareAsync).WithName("RecordDecisionNotToShare")
            .WithSummary("Records a decision not to share information, with its reason.")
            .WithAuditPurpose("record a decision not to share");
        return group;
    }

    private static async Task<Results<Ok<ChildSharingView>, ProblemHttpResult>> ListAsync(
        string childKey, HttpContext http, IActorClient actors, ServiceClock time, CancellationToken cancellationToken)
    {
        var child = await RequireManagerAsync(http, childKey, AuditAction.Read).ConfigureAwait(false);
        ChildSharing? sharing;
        try
        {
            sharing = await actors.AskAsync<ChildSharing>(CoordinationActors.ChildOf(child), new GetChildSharing(), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ActorTimeoutException)
        {
            return ApiProblems.Busy();
        }

        if (sharing is null)
        {
            return ApiProblems.NotFound("child");
        }

        var now = time.GetUtcNow();
        return TypedResults.Ok(new ChildSharingView(
            [.. sharing.Consents.OrderBy(c => c.RecordedAt).Select(c => View(c, now))],
            [.. sharing.DecisionsNotToShare.OrderBy(d => d.DecidedAt).Select(View)]));
    }

    private static async Task<Results<Created<SharingReceipt>, ProblemHttpResult>> RecordAsync(
        string childKey, ConsentRequest request, HttpContext http, IActorClient actors, ServiceClock time, CancellationToken cancellationToken)
    {
        var child = await RequireManagerAsync(http, childKey, AuditAction.Write).ConfigureAwait(false);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        var id = Id(request.Id, http, errors);
        var recipients = Organisations(request.Recipients, errors);
        if ((request.GivenBy?.Length ?? 0) > MaxItems || (request.Categories?.Length ?? 0) > MaxItems)
        {
            errors.Add(new FieldError("givenBy", "TooMany", $"At most {MaxItems} givers and categories."));
        }

        if (request.Categories?.Any(c => !Enum.IsDefined(c)) == true)
        {
            errors.Add(new FieldError("categories", "Unknown", "An unknown category of information."));
        }

        var now = time.GetUtcNow();
        var consent = new Consent
        {
            Id = id ?? default,
            GivenBy = [.. (request.GivenBy ?? []).Where(g => g is not null)],
            Recipients = recipients,
            Categories = [.. (request.Categories ?? []).Distinct()],
            Purpose = request.Purpose?.Trim() ?? "",
            ValidFrom = request.ValidFrom ?? now,
            ValidTo = request.ValidTo,
            RecordedAt = now,
            RecordedBy = http.GetCaller().Staff,
        };
        errors.AddRange(consent.Validate());
        if (errors.Count > 0 || id is null)
        {
            return ApiProblems.Invalid(errors, "The consent is not valid");
        }

        var (_, problem) = await ActorCalls.CommandAsync(
            actors, CoordinationActors.ChildOf(child), new RecordConsent(consent), ActorCalls.IdempotencyKey(http, $"consent:{child.Value}"), cancellationToken)
            .ConfigureAwait(false);
        return problem ?? (Results<Created<SharingReceipt>, ProblemHttpResult>)TypedResults.Created(
            $"/api/v1/children/{child.Value}/consents", new SharingReceipt(id.Value.Value));
    }

    private static async Task<Results<Ok, ProblemHttpResult>> WithdrawAsync(
        string childKey, string consentId, HttpContext http, IActorClient actors, CancellationToken cancellationToken)
    {
        var child = await RequireManagerAsync(http, childKey, AuditAction.Write).ConfigureAwait(false);
        if (!StringIds.IsValid(consentId))
        {
            return ApiProblems.NotFound("consent");
        }

        var (_, problem) = await ActorCalls.CommandAsync(
            actors, CoordinationActors.ChildOf(child), new WithdrawConsent(new ConsentId(consentId)), null, cancellationToken).ConfigureAwait(false);
        return problem is null ? TypedResults.Ok() : problem;
    }

    private static async Task<Results<Created<SharingReceipt>, ProblemHttpResult>> RecordDecisionNotToShareAsync(
        string childKey, DecisionNotToShareRequest request, HttpContext http, IActorClient actors, ServiceClock time, CancellationToken cancellationToken)
    {
        var child = await RequireManagerAsync(http, childKey, AuditAction.Write).ConfigureAwait(false);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        var id = Id(request.Id, http, errors);
        var recipients = Organisations(request.Recipients, errors);
        if ((request.Categories?.Length ?? 0) > MaxItems || request.Categories?.Any(c => !Enum.IsDefined(c)) == true)
        {
            errors.Add(new FieldError("categories", "Invalid", $"At most {MaxItems} known categories of information."));
        }

        var decision = new DecisionNotToShare
        {
            Id = id?.Value ?? "",
            Recipients = recipients,
            Categories = [.. (request.Categories ?? []).Distinct()],
            Reason = request.Reason?.Trim() ?? "",
            DecidedAt = time.GetUtcNow(),
            DecidedBy = http.GetCaller().Staff,
        };
        errors.AddRange(decision.Validate().Where(e => e.Field != "id" || id is not null));
        if (errors.Count > 0 || id is null)
        {
            return ApiProblems.Invalid(errors, "The decision not to share is not valid");
        }

        var (_, problem) = await ActorCalls.CommandAsync(
            actors, CoordinationActors.ChildOf(child), new RecordDecisionNotToShare(decision), ActorCalls.IdempotencyKey(http, $"not-to-share:{child.Value}"),
            cancellationToken).ConfigureAwait(false);
        return problem ?? (Results<Created<SharingReceipt>, ProblemHttpResult>)TypedResults.Created(
            $"/api/v1/children/{child.Value}/consents", new SharingReceipt(decision.Id));
    }

    /// <summary>
    /// The child, when the caller is in its case team, a social-services contact or watch owner, or its named person; the
    /// access is then audited. Anyone else, and a missing child, gets 404 (nothing audited: nothing was shown).
    /// </summary>
    /// <summary>
    /// The child, when the caller manages its consents (case team, social-services contact, watch owner, named person, or
    /// <paramref name="alsoAllowed"/>); audited. Anyone else, and a missing child: 404. Also asked before a SIP, which
    /// records its consent.
    /// </summary>
    internal static async Task<PseudonymousKey> RequireManagerAsync(
        HttpContext http, string childKey, AuditAction action, string? defaultPurpose = null, ChildRelation? alsoAllowed = null)
    {
        if (!PseudonymousKey.IsWellFormed(childKey))
        {
            throw new ChildNotFoundException();
        }

        var access = http.RequestServices.GetRequiredService<IChildAccess>();
        var decision = await access.DecideAsync(http.GetCaller(), new PseudonymousKey(childKey), http.RequestAborted).ConfigureAwait(false);
        if (!decision.Allowed || !decision.Relations.Any(r => Managers.Contains(r) || r == alsoAllowed))
        {
            throw new ChildNotFoundException();
        }

        await http.RequestServices.GetRequiredService<IAuditLog>().RecordAsync(http, action, decision.Child, defaultPurpose).ConfigureAwait(false);
        return decision.Child!.Value;
    }

    private static ConsentId? Id(string? requested, HttpContext http, ImmutableArray<FieldError>.Builder errors)
    {
        var header = http.Request.Headers["Idempotency-Key"].ToString();
        var id = requested ?? (header.Length > 0 ? header : Guid.NewGuid().ToString("N"));
        if (!StringIds.IsValid(id))
        {
            errors.Add(new FieldError("id", "Invalid", "The id is not valid."));
            return null;
        }

        return new ConsentId(id);
    }

    private static ImmutableArray<OrganisationId> Organisations(string[]? values, ImmutableArray<FieldError>.Builder errors)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Length > MaxItems || values.Any(v => !StringIds.IsValid(v)))
        {
            errors.Add(new FieldError("recipients", "Invalid", $"At most {MaxItems} valid organisation ids."));
            return [];
        }

        return [.. values.Distinct(StringComparer.Ordinal).Select(v => new OrganisationId(v))];
    }

    private static ConsentView View(Consent c, DateTimeOffset now) => new(
        c.Id.Value,
        c.GivenBy,
        [.. c.Recipients.Select(r => r.Value)],
        c.Categories,
        c.Purpose,
        c.ValidFrom,
        c.ValidTo,
        c.WithdrawnAt,
        c.RecordedAt,
        c.RecordedBy?.Value,
        c.WithdrawnAt is { } w && w <= now ? ConsentStatus.Withdrawn
            : now < c.ValidFrom ? ConsentStatus.NotYetValid
            : c.ValidTo is { } to && now >= to ? ConsentStatus.Expired
            : ConsentStatus.InForce);

    private static DecisionNotToShareView View(DecisionNotToShare d) =>
        new(d.Id, [.. d.Recipients.Select(r => r.Value)], d.Categories, d.Reason, d.DecidedAt, d.DecidedBy?.Value);
}
