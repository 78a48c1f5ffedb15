package notify

import "time"

// ReportKind is a report owed to a regulator after a leak.
type ReportKind string

const (
	// PPCPreliminary is the APPI preliminary report (速報) to the Personal
	// Information Protection Commission: promptly, in practice within
	// about 3 to 5 days of discovery; owabi counts 5.
	PPCPreliminary ReportKind = "ppc_preliminary"
	// PPCFinal is the APPI final report (確報): within 30 days of
	// discovery, 60 when the leak was caused with wrongful intent.
	PPCFinal ReportKind = "ppc_final"
	// GDPR is the notification to the supervisory authority under GDPR
	// Art. 33: within 72 hours of becoming aware.
	GDPR ReportKind = "gdpr"
)

// Deadline is one report owed, when it is due, and when it was filed
// (zero while it is not).
type Deadline struct {
	Kind  ReportKind
	Due   time.Time
	Filed time.Time
	By    string // who recorded the filing
}

// Deadlines are the reports owed for a leak discovered at discovered:
// APPI's always, GDPR's when it applies; intentional lengthens the final
// APPI report's time to 60 days.
func Deadlines(discovered time.Time, intentional, gdpr bool) []Deadline {
	if discovered.IsZero() {
		return nil
	}
	final := 30
	if intentional {
		final = 60
	}
	out := []Deadline{
		{Kind: PPCPreliminary, Due: discovered.AddDate(0, 0, 5)},
		{Kind: PPCFinal, Due: discovered.AddDate(0, 0, final)},
	}
	if gdpr {
		out = append([]Deadline{{Kind: GDPR, Due: discovered.Add(72 * time.Hour)}}, out...)
	}
	return out
}

// State says where a deadline stands at now: "filed", "overdue", "soon" (within a day,
// or a fifth of its time), or "ok".
func (d Deadline) State(now time.Time, discovered time.Time) string {
	switch left := d.Due.Sub(now); {
	case !d.Filed.IsZero():
		return "filed"
	case left < 0:
		return "overdue"
	case left < 24*time.Hour || left < d.Due.Sub(discovered)/5:
		return "soon"
	}
	return "ok"
}
