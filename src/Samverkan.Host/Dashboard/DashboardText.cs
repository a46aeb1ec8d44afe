using System.Collections.Frozen;
using System.Globalization;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// The dashboard's words in Swedish (the default) and English, and Swedish-style dates and numbers
/// ("1 dec. 2026", "20,5 %"). A small table instead of resource files: the UI has a few hundred words.
/// </summary>
public sealed class DashboardText
{
    public const string Swedish = "sv";
    public const string English = "en";

    /// <summary>The cookie that keeps the chosen language (no personal data).</summary>
    public const string CookieName = "samverkan.language";

    // Before Sv and En: static fields initialise in order.
    private static readonly CultureInfo SwedishCulture = CultureInfo.GetCultureInfo("sv-SE");
    private static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo("en-GB");

    public static readonly DashboardText Sv = new(Swedish);
    public static readonly DashboardText En = new(English);

    private static readonly FrozenDictionary<string, (string Sv, string En)> Table = new Dictionary<string, (string Sv, string En)>(StringComparer.Ordinal)
    {
        ["app.title"] = ("Samverkan", "Samverkan"),
        ["app.tagline"] = ("Samordnat stöd för barn och unga", "Coordinated support for children and young people"),
        ["nav.home"] = ("Översikt", "Overview"),
        ["nav.skip"] = ("Hoppa till innehållet", "Skip to content"),
        ["nav.signout"] = ("Logga ut", "Sign out"),
        ["nav.account"] = ("Konto och språk", "Account and language"),
        ["nav.language"] = ("In English", "På svenska"),
        ["live.connected"] = ("Uppdateras automatiskt", "Updates automatically"),
        ["live.lost"] = ("Anslutningen bröts – återansluter…", "Connection lost – reconnecting…"),
        ["live.failed"] = ("Anslutningen kunde inte återupprättas.", "The connection could not be restored."),
        ["live.reload"] = ("Ladda om sidan", "Reload the page"),
        ["live.updated"] = ("Senast uppdaterad", "Last updated"),
        ["loading"] = ("Hämtar…", "Loading…"),
        ["error.unavailable"] = ("Uppgifterna kan inte visas just nu. Försök igen om en stund.", "The information cannot be shown right now. Try again shortly."),
        ["error.notfound"] = ("Ärendet finns inte, eller så har du inte behörighet att se det.", "The case does not exist, or you are not allowed to see it."),
        ["error.nosession"] = ("Du är inte inloggad.", "You are not signed in."),
        ["session.expired.title"] = ("Sessionen har gått ut", "The session has expired"),
        ["session.expired"] = ("Din inloggning har gått ut, så sidan visar inga uppgifter längre. Logga in igen för att fortsätta.",
            "Your sign-in has expired, so the page no longer shows any information. Sign in again to continue."),
        ["session.signin"] = ("Logga in igen", "Sign in again"),
        ["error.circuit"] = ("Något gick fel och sidan uppdateras inte längre.", "Something went wrong and the page no longer updates."),

        ["school.title"] = ("Elevhälsan", "Student health"),
        ["school.cases"] = ("Vår skolas öppna ärenden", "Our school's open cases"),
        ["school.cases.empty"] = ("Inga öppna ärenden just nu.", "No open cases right now."),
        ["school.alerts"] = ("Mina aviseringar", "My alerts"),
        ["school.alerts.empty"] = ("Du har inga aviseringar.", "You have no alerts."),
        ["social.title"] = ("Socialtjänsten", "Social services"),
        ["social.cases"] = ("Ärenden på mina skolor", "Cases at my schools"),
        ["social.cases.empty"] = ("Inga öppna ärenden på dina skolor.", "No open cases at your schools."),
        ["social.concerns"] = ("Orosanmälningar som väntar på beslut", "Reports of concern awaiting a decision"),
        ["social.concerns.empty"] = ("Inga orosanmälningar väntar på beslut.", "No reports of concern await a decision."),
        ["social.watches"] = ("Barn under bevakning", "Children under watch"),
        ["social.watches.empty"] = ("Inga barn är under bevakning.", "No children are under watch."),
        ["stats.region.title"] = ("Regional samordning", "Regional coordination"),
        ["stats.title"] = ("Statistik över tid", "Statistics over time"),
        ["stats.link"] = ("Statistik över tid och export", "Statistics over time and export"),
        ["stats.protection"] = ("Antal från 1 till 4 visas som \u201d< 5\u201d. En summa som skulle avslöja ett dolt antal döljs också. En median av färre än 5 ärenden visas som \u201d–\u201d. Inga barn visas.",
            "Counts from 1 to 4 are shown as \u201c< 5\u201d. A total that would reveal a hidden count is hidden too. A median of fewer than 5 cases is shown as \u201c–\u201d. No child is shown."),
        ["stats.period"] = ("Indelning", "Period"),
        ["stats.period.week"] = ("Vecka", "Week"),
        ["stats.period.month"] = ("Månad", "Month"),
        ["stats.from"] = ("Från", "From"),
        ["stats.to"] = ("Till", "To"),
        ["stats.datehint"] = ("Skriv datum som ÅÅÅÅ-MM-DD. Hela veckor eller månader visas.", "Write dates as YYYY-MM-DD. Whole weeks or months are shown."),
        ["stats.show"] = ("Visa", "Show"),
        ["stats.csv"] = ("Ladda ner som CSV", "Download as CSV"),
        ["stats.totals"] = ("Per kommun och period", "By municipality and period"),
        ["stats.cases"] = ("Ärenden per skola och typ", "Cases by school and kind"),
        ["stats.concerns"] = ("Orosanmälningar per skola", "Reports of concern by school"),
        ["stats.col.period"] = ("Period", "Period"),
        ["stats.col.municipality"] = ("Kommun", "Municipality"),
        ["stats.col.opened"] = ("Öppnade ärenden", "Cases opened"),
        ["stats.col.closed"] = ("Avslutade ärenden", "Cases closed"),
        ["stats.col.reports"] = ("Orosanmälningar", "Reports of concern"),
        ["stats.col.invopened"] = ("Utredning inleds", "Investigation opened"),
        ["stats.col.invnotopened"] = ("Utredning inleds ej", "Investigation not opened"),
        ["stats.col.awaiting"] = ("Väntar på beslut", "Awaiting a decision"),
        ["stats.col.median"] = ("Median timmar till kvittering", "Median hours to acknowledgement"),
        ["stats.noschool"] = ("Skola visas inte", "School not shown"),
        ["stats.empty"] = ("Inget under perioden.", "Nothing in the period."),
        ["sync.link"] = ("SS 12000-källor (skolsystem)", "SS 12000 sources (school systems)"),
        ["sync.title"] = ("SS 12000-källor", "SS 12000 sources"),
        ["sync.intro"] = ("Skolsystemen som kommunen hämtar elever, personal och närvaro från. Inga elevuppgifter visas här.",
            "The school systems the municipality pulls pupils, staff and attendance from. No pupil data is shown here."),
        ["sync.refused"] = ("Sidan är för kommunens IT-drift (rollen Operator).", "This page is for the municipality's IT operators (role Operator)."),
        ["sync.empty"] = ("Inga källor är registrerade för kommunen.", "No sources are registered for the municipality."),
        ["sync.caption"] = ("Källor och deras senaste hämtning", "Sources and their latest sync"),
        ["sync.col.source"] = ("Källa", "Source"),
        ["sync.col.origin"] = ("Ursprung", "Origin"),
        ["sync.col.units"] = ("Skolenheter", "School units"),
        ["sync.col.success"] = ("Senast lyckad", "Last success"),
        ["sync.col.lag"] = ("Fördröjning", "Lag"),
        ["sync.col.items"] = ("Tillämpade objekt", "Items applied"),
        ["sync.col.error"] = ("Senaste fel", "Last error"),
        ["sync.col.backoff"] = ("Väntar till", "Backing off until"),
        ["sync.col.action"] = ("Åtgärd", "Action"),
        ["sync.origin.configuration"] = ("Konfiguration", "Configuration"),
        ["sync.origin.api"] = ("Registrerad", "Registered"),
        ["sync.never"] = ("Aldrig", "Never"),
        ["sync.none"] = ("–", "–"),
        ["sync.running"] = ("Hämtar nu…", "Syncing now…"),
        ["sync.now"] = ("Synka nu", "Sync now"),
        ["sync.started"] = ("Hämtning av {0} startad.", "Sync of {0} started."),
        ["sync.already"] = ("{0} hämtas redan.", "{0} is already syncing."),
        ["sync.refresh"] = ("Uppdatera", "Refresh"),
        ["sync.minutes"] = ("{0} min", "{0} min"),
        ["stats.refused"] = ("Statistiken är för samordnare. Du kan inte se den här statistiken.", "Statistics are for coordinators. You cannot see these statistics."),
        ["coord.title"] = ("Samordning", "Coordination"),
        ["coord.privacy"] = ("Endast sammanställningar: enskilda barn visas bara i ärenden där du själv deltar.",
            "Aggregates only: individual children are shown only in cases you take part in."),
        ["coord.open"] = ("Öppna ärenden", "Open cases"),
        ["coord.unacked"] = ("Okvitterade aviseringar", "Unacknowledged alerts"),
        ["coord.overdue"] = ("Försenade kvitteringar", "Overdue acknowledgements"),
        ["coord.followup"] = ("Ärenden i uppföljning", "Cases in follow-up"),
        ["coord.overduework"] = ("Ärenden med försenad uppföljning", "Cases with overdue follow-ups"),
        ["coord.overduework.title"] = ("Försenat i ärendearbetet", "Overdue in case work"),
        ["coord.overduework.actions"] = ("Försenade åtgärder i planer", "Overdue plan actions"),
        ["coord.overduework.vacancies"] = ("Vakanta roller", "Vacant roles"),
        ["coord.overduework.sip"] = ("SIP utan första möte i tid", "SIPs past their first-meeting deadline"),
        ["coord.overduework.placement"] = ("Försenade uppföljningar av placerade barn", "Overdue follow-ups of placed children"),
        ["coord.bystatus"] = ("Per status", "By status"),
        ["coord.byschool"] = ("Per skola", "By school"),
        ["coord.bykind"] = ("Per typ", "By kind"),
        ["coord.waiting"] = ("Längst väntetid", "Waiting longest"),
        ["coord.waiting.empty"] = ("Inga ärenden väntar.", "No cases are waiting."),
        ["coord.days"] = ("dagar", "days"),
        ["coord.participant"] = ("Du deltar", "You take part"),
        ["other.title"] = ("Mina ärenden", "My cases"),

        ["col.child"] = ("Barn", "Child"),
        ["col.school"] = ("Skola", "School"),
        ["col.kind"] = ("Typ", "Kind"),
        ["col.status"] = ("Status", "Status"),
        ["col.severity"] = ("Angelägenhet", "Severity"),
        ["col.opened"] = ("Öppnat", "Opened"),
        ["col.expects"] = ("Förväntas av dig", "Expected of you"),
        ["col.alert"] = ("Avisering", "Alert"),
        ["col.raised"] = ("Skickad", "Sent"),
        ["col.count"] = ("Antal", "Count"),
        ["col.reported"] = ("Inkommen", "Received"),
        ["col.category"] = ("Kategori", "Category"),
        ["col.watchends"] = ("Upphör", "Ends"),
        ["col.waited"] = ("Väntat", "Waited"),
        ["col.case"] = ("Ärende", "Case"),

        ["expects.acknowledge"] = ("Kvittera senast {0}", "Acknowledge by {0}"),
        ["expects.acknowledge.late"] = ("Kvittering försenad sedan {0}", "Acknowledgement overdue since {0}"),
        ["expects.plan"] = ("Planera insatser tillsammans", "Plan the support together"),
        ["expects.act"] = ("Genomför planens åtgärder", "Carry out the plan's actions"),
        ["expects.followup"] = ("Följ upp och ta ställning till avslut", "Follow up and decide on closing"),
        ["expects.none"] = ("Inget just nu", "Nothing right now"),
        ["alert.acknowledged"] = ("Kvitterad", "Acknowledged"),
        ["alert.new"] = ("Ny", "New"),
        ["alert.open"] = ("Öppna ärendet", "Open the case"),
        ["alert.acknowledge"] = ("Kvittera", "Acknowledge"),
        ["alert.replyby"] = ("Kvittens väntas senast", "Acknowledgement expected by"),

        ["case.title"] = ("Ärende", "Case"),
        ["case.back"] = ("Tillbaka till översikten", "Back to the overview"),
        ["case.trigger"] = ("Anledning och underlag", "Trigger and evidence"),
        ["case.evidence.empty"] = ("Inget underlag registrerat.", "No evidence recorded."),
        ["case.absence"] = ("Frånvaro per vecka", "Absence per week"),
        ["case.absence.hidden"] = ("Frånvarouppgifter visas inte för dig i det här ärendet.", "Absence figures are not shown to you in this case."),
        ["case.absence.empty"] = ("Ingen frånvaro registrerad.", "No absence registered."),
        ["case.absence.chart"] = ("Diagram: frånvaro i procent av erbjuden tid per vecka, de senaste {0} veckorna. Högst {1} vecka {2}.",
            "Chart: absence as a percentage of offered time per week, the last {0} weeks. Highest {1} in week {2}."),
        ["case.absence.week"] = ("v.", "wk"),
        ["case.participants"] = ("Deltagare", "Participants"),
        ["case.acknowledged.by"] = ("Kvitterat av {0}, {1}", "Acknowledged by {0}, {1}"),
        ["case.acknowledged.late"] = ("(efter tidsfristen)", "(after the deadline)"),
        ["case.acknowledged.not"] = ("Ännu inte kvitterat. Tidsfrist {0}.", "Not acknowledged yet. Deadline {0}."),
        ["case.lead"] = ("Samordnande", "Lead"),
        ["case.plan"] = ("Plan", "Plan"),
        ["case.plan.empty"] = ("Ingen plan ännu.", "No plan yet."),
        ["case.meetings"] = ("Möten", "Meetings"),
        ["case.meetings.empty"] = ("Inga möten registrerade.", "No meetings recorded."),
        ["case.timeline"] = ("Händelser", "Timeline"),
        ["case.actions"] = ("Åtgärder", "Actions"),
        ["case.action.acknowledge"] = ("Kvittera ärendet", "Acknowledge the case"),
        ["case.action.acknowledge.help"] = ("Bekräfta att du har sett ärendet och tar del i det.", "Confirm that you have seen the case and take part in it."),
        ["case.action.close"] = ("Avsluta ärendet", "Close the case"),
        ["case.action.close.reason"] = ("Skäl", "Reason"),
        ["case.action.close.note"] = ("Kommentar (krävs vid Annat skäl)", "Note (required for Other)"),
        ["case.action.takelead"] = ("Ta samordningsansvar", "Take the lead"),
        ["case.action.plan"] = ("Lägg till åtgärd i planen", "Add a plan action"),
        ["case.action.plan.what"] = ("Åtgärd", "Action"),
        ["case.action.plan.owner"] = ("Ansvarig", "Owner"),
        ["case.action.plan.owner.mine"] = ("Min organisation", "My organisation"),
        ["case.action.plan.due"] = ("Klart senast", "Due"),
        ["case.action.meeting"] = ("Boka möte", "Schedule a meeting"),
        ["case.action.meeting.date"] = ("Datum", "Date"),
        ["case.action.meeting.time"] = ("Klockslag", "Time"),
        ["field.date.placeholder"] = ("ÅÅÅÅ-MM-DD", "YYYY-MM-DD"),
        ["field.date.hint"] = ("Skriv datumet som ÅÅÅÅ-MM-DD.", "Type the date as YYYY-MM-DD."),
        ["field.date.invalid"] = ("Inget giltigt datum: skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-12-24.", "Not a valid date: type it as YYYY-MM-DD, for example 2026-12-24."),
        ["field.time.placeholder"] = ("TT:MM", "HH:MM"),
        ["field.time.hint"] = ("Skriv klockslaget som TT:MM.", "Type the time as HH:MM."),
        ["field.time.invalid"] = ("Inget giltigt klockslag: skriv det som TT:MM, till exempel 09:30.", "Not a valid time: type it as HH:MM, for example 09:30."),
        ["case.action.meeting.notes"] = ("Syfte", "Purpose"),
        ["case.action.held"] = ("Registrera mötet som hållet", "Record the meeting as held"),
        ["case.action.held.attendees"] = ("Närvarande", "Attended"),
        ["case.action.held.decisions"] = ("Beslut (ett per rad)", "Decisions (one per line)"),
        ["case.action.held.followup"] = ("Nästa uppföljning", "Next follow-up"),
        ["case.action.held.agreed"] = ("Planen godkändes på mötet", "The plan was agreed at the meeting"),
        ["case.action.held.submit"] = ("Registrera", "Record"),
        ["case.action.status"] = ("Ny status", "New status"),
        ["case.action.status.submit"] = ("Uppdatera", "Update"),
        ["case.lead.none"] = ("Ingen har samordningsansvar ännu.", "Nobody has taken the lead yet."),
        ["case.lead.is"] = ("Samordningsansvar: {0} sedan {1}", "Lead: {0} since {1}"),
        ["case.plan.due"] = ("Klart senast {0}", "Due {0}"),
        ["case.plan.overdue"] = ("Försenad", "Overdue"),
        ["case.plan.escalated"] = ("Eskalerad", "Escalated"),
        ["case.plan.agreed"] = ("Planen godkändes {0}.", "The plan was agreed on {0}."),
        ["case.plan.org"] = ("Organisation {0}", "Organisation {0}"),
        ["case.meeting.scheduled"] = ("Bokat {0}", "Scheduled {0}"),
        ["case.meeting.held"] = ("Hållet {0}", "Held {0}"),
        ["case.meeting.attendees"] = ("Närvarande: {0}", "Attended: {0}"),
        ["case.meeting.decisions"] = ("Beslut", "Decisions"),
        ["case.meeting.followup"] = ("Nästa uppföljning {0}", "Next follow-up {0}"),
        ["case.vacancies"] = ("Vakanta roller att lämna över: {0}", "Vacant roles to hand over: {0}"),
        ["case.action.submit"] = ("Spara", "Save"),
        ["case.action.done"] = ("Sparat.", "Saved."),
        ["case.action.refused"] = ("Det gick inte: {0}", "That did not work: {0}"),
        ["case.action.busy"] = ("Systemet är upptaget. Försök igen.", "The system is busy. Try again."),
        ["case.action.note.required"] = ("Skriv en kommentar när skälet är Annat.", "Write a note when the reason is Other."),
        ["case.closed"] = ("Ärendet är avslutat: {0}.", "The case is closed: {0}."),
        ["case.protected"] = ("Skyddade personuppgifter: skola och ort visas inte.", "Protected identity: school and location are not shown."),
        ["case.child"] = ("Barn (pseudonym)", "Child (pseudonym)"),
        ["case.evidence.rule"] = ("Regel {0}: {1}", "Rule {0}: {1}"),
        ["case.evidence.concern"] = ("Orosanmälan {0}", "Report of concern {0}"),
        ["case.timeline.empty"] = ("Inga händelser.", "No events."),
        ["case.team"] = ("Team {0}", "Team {0}"),
        ["case.reference"] = ("Ärendenummer", "Case reference"),

        // Timeline entries, worded from their facts (TimelineWording).
        ["tl.opened"] = ("Samverkansärende öppnat: {0}, angelägenhet {1}, enligt {2}. Kvittera senast {3}.",
            "Joint case opened: {0}, severity {1}, by {2}. Acknowledge by {3}."),
        ["tl.rule.one"] = ("regeln {0}", "the rule {0}"),
        ["tl.rule.many"] = ("reglerna {0} och {1}", "the rules {0} and {1}"),
        ["tl.ssexcluded.nobasis"] = ("Socialtjänsten är inte med: ingen orosanmälan, bevakning eller giltigt samtycke ger stöd för att dela uppgifter med socialtjänsten.",
            "Social services are not included: no report of concern, watch or valid consent allows sharing with social services."),
        ["tl.ssexcluded.nocontact"] = ("Socialtjänsten är inte med: det finns rättslig grund, men skolan har ingen kontaktperson på socialtjänsten.",
            "Social services are not included: a legal basis exists, but the school has no social-services contact person."),
        ["tl.evidence"] = ("Nytt underlag enligt {0}.", "New evidence by {0}."),
        ["tl.severity"] = ("Angelägenheten höjdes från {0} till {1}.", "Severity raised from {0} to {1}."),
        ["tl.participant"] = ("{0} deltar som {1}.", "{0} joined as {1}."),
        ["tl.participant.basis"] = ("{0} deltar som {1} med stöd av {2}.", "{0} joined as {1} on the basis of {2}."),
        ["tl.acknowledged"] = ("Ärendet kvitterades.", "The case was acknowledged."),
        ["tl.acknowledged.late"] = ("Ärendet kvitterades efter tidsfristen.", "The case was acknowledged after the deadline."),
        ["tl.ackoverdue"] = ("Ärendet kvitterades inte senast {0} och har eskalerats.", "The case was not acknowledged by {0} and was escalated."),
        ["tl.alertescalated"] = ("En avisering till {0} kvitterades inte i tid och eskalerades till {1}.", "An alert to {0} was not acknowledged in time and was escalated to {1}."),
        ["tl.alertescalated.noone"] = ("ingen (ingen chef eller andra kontaktperson är känd)", "no one (no manager or second contact person is known)"),
        ["tl.status"] = ("Status ändrad: {0} → {1}.", "Status changed: {0} → {1}."),
        ["tl.notact"] = ("Beslut att inte agera ({0}): {1}", "Decision not to act ({0}): {1}"),
        ["tl.closed"] = ("Ärendet avslutades: {0}.", "The case was closed: {0}."),
        ["tl.closed.note"] = ("Ärendet avslutades: {0}. {1}", "The case was closed: {0}. {1}"),
        ["tl.lead"] = ("{0} ({1}) har samordningsansvaret.", "{0} ({1}) has the lead."),
        ["tl.lead.handover"] = ("Samordningsansvaret lämnades över från {2} till {0} ({1}).", "The lead was handed over from {2} to {0} ({1})."),
        ["tl.action.added"] = ("Åtgärd {0} ({1}) lades till i planen, klar senast {2}.", "Action {0} ({1}) was added to the plan, due {2}."),
        ["tl.action.updated"] = ("Åtgärd {0}: {1}.", "Action {0}: {1}."),
        ["tl.action.updated.due"] = ("Åtgärd {0}: {1}, klar senast {2}.", "Action {0}: {1}, due {2}."),
        ["tl.action.overdue"] = ("Åtgärd {0} är försenad (skulle vara klar {1}).", "Action {0} is overdue (it was due {1})."),
        ["tl.action.escalated"] = ("Åtgärd {0} är fortfarande öppen {1} arbetsdagar efter slutdatum och har eskalerats.",
            "Action {0} is still open {1} working days after its due date and was escalated."),
        ["tl.meeting.scheduled"] = ("Möte bokat {0}.", "Meeting scheduled for {0}."),
        ["tl.meeting.held"] = ("Mötet {0} hölls. Närvarande: {1}. Antal beslut: {2}.", "The meeting of {0} was held. Attended: {1}. Decisions: {2}."),
        ["tl.meeting.held.followup"] = ("Mötet {0} hölls. Närvarande: {1}. Antal beslut: {2}. Nästa uppföljning {3}.",
            "The meeting of {0} was held. Attended: {1}. Decisions: {2}. Next follow-up {3}."),
        ["tl.plan.agreed"] = ("Den gemensamma planen godkändes på mötet {0}.", "The joint plan was agreed at the meeting of {0}."),
        ["tl.plan.agreed.responsible"] = ("Den gemensamma planen godkändes på mötet {0}. Övergripande ansvar: {1}.",
            "The joint plan was agreed at the meeting of {0}. Overall responsibility: {1}."),
        ["tl.followup.due"] = ("Uppföljningen efter mötet {0} skulle ske {1}, men inget möte är bokat.", "The follow-up of the meeting of {0} was due {1}, but no meeting is scheduled."),
        ["tl.role.vacated"] = ("{0} har slutat. Roller att lämna över: {1}.", "{0} has left. Roles to hand over: {1}."),
        ["tl.handedover"] = ("Roller lämnades över från {0} till {1}: {2}.", "Roles were handed over from {0} to {1}: {2}."),
        ["tl.school.elsewhere"] = ("Barnet har flyttat till en skola i en annan kommun. Inget samtycke låter ärendet följa med, så inget lämnades ut.",
            "The child moved to a school in another municipality. No consent lets the case follow, so nothing was disclosed."),
        ["tl.school.changed"] = ("Barnet bytte skola från {0} till {1}. Ärendet lämnades över till den nya skolans elevhälsoteam.",
            "The child changed school from {0} to {1}. The case was handed over to the new school's student-health team."),
        ["tl.school.changed.hidden"] = ("Barnet bytte skola. Ärendet lämnades över till den nya skolans elevhälsoteam.",
            "The child changed school. The case was handed over to the new school's student-health team."),
        ["tl.sip.deadline"] = ("Inget SIP-möte hölls senast {0}. Ärendet har eskalerats.", "No SIP meeting was held by {0}. The case was escalated."),
        ["tl.placement.held"] = ("Uppföljningen av placeringen (planerad {0}) hölls.", "The placement follow-up (due {0}) was held."),
        ["tl.placement.held.late"] = ("Uppföljningen av placeringen (planerad {0}) hölls för sent.", "The placement follow-up (due {0}) was held late."),
        ["tl.placement.overdue"] = ("Uppföljningen av placeringen (planerad {0}) hölls inte i tid.", "The placement follow-up (due {0}) was not held in time."),
        ["tl.placement.escalated"] = ("Missad uppföljning av placeringen. Ärendet har eskalerats.", "A placement follow-up was missed. The case was escalated."),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private DashboardText(string language)
    {
        Language = language;
        Culture = language == English ? EnglishCulture : SwedishCulture;
    }

    /// <summary><see cref="Swedish"/> or <see cref="English"/>.</summary>
    public string Language { get; }

    public CultureInfo Culture { get; }

    public bool IsEnglish => Language == English;

    /// <summary>The text for <paramref name="language"/> (Swedish unless it is exactly <see cref="English"/>).</summary>
    public static DashboardText For(string? language) => string.Equals(language, English, StringComparison.Ordinal) ? En : Sv;

    public string this[string key] => Table.TryGetValue(key, out var text) ? (IsEnglish ? text.En : text.Sv) : key;

    public string Format(string key, params object?[] arguments) => string.Format(Culture, this[key], arguments);

    /// <summary>A date in Swedish time: "1 dec. 2026" (Swedish) or "1 Dec 2026" (English).</summary>
    public string Date(DateTimeOffset instant) => Date(SwedishTime.DateOf(instant));

    public string Date(DateOnly date) => date.ToString("d MMM yyyy", Culture);

    /// <summary>A date and time in Swedish time: "1 dec. 2026 14:05".</summary>
    public string DateTime(DateTimeOffset instant) => SwedishTime.ToLocal(instant).ToString("d MMM yyyy HH:mm", Culture);

    /// <summary>A percentage: "20,5 %" (Swedish, with a non-breaking space) or "20.5%" (English).</summary>
    public string Percent(decimal value) =>
        IsEnglish ? value.ToString("0.#", Culture) + "%" : value.ToString("0.#", Culture) + "\u00a0%";

    public string Number(long value) => value.ToString("N0", Culture);

    public string Status(string status) => (status, IsEnglish) switch
    {
        ("Open", false) => "Nytt",
        ("Acknowledged", false) => "Kvitterat",
        ("Planning", false) => "Planering",
        ("Active", false) => "Pågår",
        ("FollowUp", false) => "Uppföljning",
        ("Closed", false) => "Avslutat",
        ("FollowUp", true) => "Follow-up",
        (_, true) => status,
        _ => status,
    };

    public string Kind(string kind) => (kind, IsEnglish) switch
    {
        ("AbsenceFollowUp", false) => "Frånvaro",
        ("ConcernFollowUp", false) => "Upprepad oro",
        ("WatchSignal", false) => "Signal under bevakning",
        ("Sip", false) => "SIP",
        ("PlacedChildFollowUp", false) => "Placerat barn, uppföljning",
        ("Other", false) => "Övrigt",
        ("AbsenceFollowUp", true) => "Absence",
        ("ConcernFollowUp", true) => "Repeated concern",
        ("WatchSignal", true) => "Signal under watch",
        ("Sip", true) => "Coordinated plan (SIP)",
        ("PlacedChildFollowUp", true) => "Placed child follow-up",
        _ => kind,
    };

    public string Severity(string severity) => (severity, IsEnglish) switch
    {
        ("Normal", false) => "Normal",
        ("High", false) => "Hög",
        ("Urgent", false) => "Brådskande",
        _ => severity,
    };

    public string Agency(string agency) => (agency, IsEnglish) switch
    {
        ("School", false) => "Skola",
        ("SocialServices", false) => "Socialtjänst",
        ("ChildHealthCentre", false) => "Barnhälsovård",
        ("ChildPsychiatry", false) => "Barn- och ungdomspsykiatri",
        ("PrimaryCare", false) => "Vårdcentral",
        ("Police", false) => "Polis",
        ("SocialServices", true) => "Social services",
        ("ChildHealthCentre", true) => "Child health centre",
        ("ChildPsychiatry", true) => "Child psychiatry",
        ("PrimaryCare", true) => "Primary care",
        _ => agency,
    };

    public string ParticipantRole(string role) => (role, IsEnglish) switch
    {
        ("StudentHealthTeam", false) => "Elevhälsoteam",
        ("NamedPerson", false) => "Trygghetsperson",
        ("SocialServicesTeam", false) => "Socialtjänstens enhet",
        ("SocialServicesContact", false) => "Kontaktperson, socialtjänsten",
        ("WatchOwner", false) => "Ansvarig för bevakningen",
        ("Other", false) => "Övrig",
        ("StudentHealthTeam", true) => "Student-health team",
        ("NamedPerson", true) => "Named person",
        ("SocialServicesTeam", true) => "Social-services unit",
        ("SocialServicesContact", true) => "Social-services contact person",
        ("WatchOwner", true) => "Watch owner",
        _ => role,
    };

    public string CloseReason(string reason) => (reason, IsEnglish) switch
    {
        ("Resolved", false) => "Behovet är tillgodosett",
        ("DecidedNotToAct", false) => "Beslut att inte agera",
        ("Duplicate", false) => "Dubblett",
        ("ChildMoved", false) => "Barnet har flyttat",
        ("Other", false) => "Annat",
        ("Resolved", true) => "The need is met",
        ("DecidedNotToAct", true) => "Decided not to act",
        ("ChildMoved", true) => "The child moved",
        _ => reason,
    };

    public string PlanStatus(string status) => (status, IsEnglish) switch
    {
        ("Planned", false) => "Planerad",
        ("InProgress", false) => "Pågår",
        ("Done", false) => "Klar",
        ("Cancelled", false) => "Struken",
        ("InProgress", true) => "In progress",
        _ => status,
    };

    public string ConcernCategory(string category) => (category, IsEnglish) switch
    {
        ("Neglect", false) => "Försummelse",
        ("Violence", false) => "Våld",
        ("SchoolAbsence", false) => "Skolfrånvaro",
        ("MentalHealth", false) => "Psykisk ohälsa",
        ("Substance", false) => "Missbruk",
        ("Crime", false) => "Brott",
        ("Other", false) => "Övrigt",
        ("SchoolAbsence", true) => "School absence",
        ("MentalHealth", true) => "Mental health",
        _ => category,
    };

    public string TimelineKind(string kind) => (kind, IsEnglish) switch
    {
        ("Opened", false) => "Öppnat",
        ("EvidenceAdded", false) => "Nytt underlag",
        ("SeverityRaised", false) => "Höjd angelägenhet",
        ("ParticipantAdded", false) => "Deltagare tillagd",
        ("SocialServicesNotIncluded", false) => "Socialtjänsten ej inkluderad",
        ("Acknowledged", false) => "Kvitterat",
        ("AcknowledgementOverdue", false) => "Kvittering försenad",
        ("StatusChanged", false) => "Ny status",
        ("DecisionNotToAct", false) => "Beslut att inte agera",
        ("Closed", false) => "Avslutat",
        ("LeadAssigned", false) => "Samordningsansvar",
        ("PlanActionAdded", false) => "Åtgärd tillagd",
        ("PlanActionUpdated", false) => "Åtgärd uppdaterad",
        ("PlanActionOverdue", false) => "Åtgärd försenad",
        ("PlanActionEscalated", false) => "Åtgärd eskalerad",
        ("MeetingScheduled", false) => "Möte bokat",
        ("MeetingHeld", false) => "Möte hållet",
        ("FollowUpDue", false) => "Dags för uppföljning",
        ("PlanAgreed", false) => "Planen godkänd",
        ("RoleVacated", false) => "Roll vakant",
        ("HandedOver", false) => "Överlämnat",
        ("SipDeadlinePassed", false) => "SIP-tidsfrist passerad",
        ("PlacementFollowUpHeld", false) => "Uppföljning av placering hållen",
        ("PlacementFollowUpOverdue", false) => "Uppföljning av placering försenad",
        ("PlacementFollowUpEscalated", false) => "Uppföljning av placering eskalerad",
        ("SchoolChanged", false) => "Bytt skola",
        ("EvidenceAdded", true) => "Evidence added",
        ("SeverityRaised", true) => "Severity raised",
        ("ParticipantAdded", true) => "Participant added",
        ("SocialServicesNotIncluded", true) => "Social services not included",
        ("AcknowledgementOverdue", true) => "Acknowledgement overdue",
        ("StatusChanged", true) => "Status changed",
        ("DecisionNotToAct", true) => "Decision not to act",
        ("LeadAssigned", true) => "Lead assigned",
        ("PlanActionAdded", true) => "Plan action added",
        ("PlanActionUpdated", true) => "Plan action updated",
        ("PlanActionOverdue", true) => "Plan action overdue",
        ("PlanActionEscalated", true) => "Plan action escalated",
        ("MeetingScheduled", true) => "Meeting scheduled",
        ("MeetingHeld", true) => "Meeting held",
        ("FollowUpDue", true) => "Follow-up due",
        ("PlanAgreed", true) => "Plan agreed",
        ("RoleVacated", true) => "Role vacant",
        ("HandedOver", true) => "Handed over",
        ("SipDeadlinePassed", true) => "SIP deadline passed",
        ("PlacementFollowUpHeld", true) => "Placement follow-up held",
        ("PlacementFollowUpOverdue", true) => "Placement follow-up overdue",
        ("PlacementFollowUpEscalated", true) => "Placement follow-up escalated",
        ("SchoolChanged", true) => "Changed school",
        _ => kind,
    };

    /// <summary>A rule's name (<c>Samverkan.Domain.Rules.RuleIds</c>); an unknown rule by its id.</summary>
    public string Rule(string rule) => (rule, IsEnglish) switch
    {
        ("absence-total-share", false) => "hög total frånvaro",
        ("absence-consecutive-days", false) => "sammanhängande frånvarodagar",
        ("absence-unexcused-in-term", false) => "ogiltig frånvaro under terminen",
        ("concern-repeated", false) => "upprepade orosanmälningar",
        ("watch-signal", false) => "signal under bevakning",
        ("absence-total-share", true) => "high total absence",
        ("absence-consecutive-days", true) => "consecutive days of absence",
        ("absence-unexcused-in-term", true) => "unexcused absence in the term",
        ("concern-repeated", true) => "repeated reports of concern",
        ("watch-signal", true) => "signal under watch",
        _ => rule,
    };

    /// <summary>A role in a case that can be left vacant and handed over (<c>CaseRoleKind</c>).</summary>
    public string CaseRole(string role) => (role, IsEnglish) switch
    {
        ("Lead", false) => "samordningsansvar",
        ("Participant", false) => "deltagare",
        ("ActionOwner", false) => "ansvarig för åtgärd",
        ("OverallResponsible", false) => "övergripande ansvar",
        ("Lead", true) => "lead",
        ("Participant", true) => "participant",
        ("ActionOwner", true) => "action owner",
        ("OverallResponsible", true) => "overall responsibility",
        _ => role,
    };

    /// <summary>A legal basis for sharing with an agency (<c>LegalBasisKind</c>).</summary>
    public string Basis(string basis) => (basis, IsEnglish) switch
    {
        ("ReportOfConcern", false) => "orosanmälan",
        ("Watch", false) => "bevakning",
        ("Consent", false) => "samtycke",
        ("Statutory", false) => "lagstöd",
        ("ReportOfConcern", true) => "a report of concern",
        ("Watch", true) => "a watch",
        ("Consent", true) => "consent",
        ("Statutory", true) => "a statutory basis",
        _ => basis,
    };

    /// <summary>What an alert is about (<c>AlertKind</c>), for an alert without text of its own.</summary>
    public string AlertKind(string kind) => (kind, IsEnglish) switch
    {
        ("CaseOpened", false) => "Nytt samverkansärende",
        ("CaseEvidenceAdded", false) => "Nytt underlag i ärendet",
        ("CaseAcknowledgementOverdue", false) => "Ärendet är inte kvitterat i tid",
        ("CaseOpened", true) => "New joint case",
        ("CaseEvidenceAdded", true) => "New evidence in the case",
        ("CaseAcknowledgementOverdue", true) => "The case was not acknowledged in time",
        _ => kind,
    };

    /// <summary>The text of an alert in the current language.</summary>
    public string Alert(LocalizedText? text, string kind) => text is null ? AlertKind(kind) : IsEnglish ? text.En : text.Sv;
}
