using Samverkan.Domain.Calendar;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Children.Events;

/// <summary>A batch of absence registrations was applied; the counts say what became of them, <c>Dates</c> spans the accepted ones.</summary>
public sealed record AbsenceRecorded(PseudonymousKey Child, DateTimeOffset At, int Added, int Replaced, int Unchanged, int Superseded, int Rejected, DateRange? Dates) : ChildEvent(Child, At);
