package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// deadlineView is one report owed, as the dashboard shows it.
type deadlineView struct {
	notify.Deadline
	State string // filed, overdue, soon, ok: the colour
	Left  string // time left, or past due, in words
}

// deadlines are the reports owed, with when each was filed, for the
// dashboard.
func (s *Server) deadlines(r *http.Request) ([]deadlineView, error) {
	owed, discovered, err := s.owed(r)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.Filed(r.Context(), owed)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []deadlineView
	for _, d := range list {
		v := deadlineView{Deadline: d, State: d.State(now, discovered)}
		left := d.Due.Sub(now)
		if left >= 0 {
			v.Left = wording.Say(language(r), "time_left", span(left, language(r)))
		} else {
			v.Left = wording.Say(language(r), "time_over", span(-left, language(r)))
		}
		out = append(out, v)
	}
	return out, nil
}

// owed are the reports owed for the incident as recorded now, and when it
// was discovered; none before there is a record.
func (s *Server) owed(r *http.Request) ([]notify.Deadline, time.Time, error) {
	inc, err := s.Store.Incident(r.Context())
	if notify.ErrorCode(err) == notify.ENOTFOUND {
		return nil, time.Time{}, nil
	}
	return notify.Deadlines(inc.DiscoveredAt, inc.Intentional, inc.GDPR), inc.DiscoveredAt, err
}

// span says a duration in days and hours.
func span(d time.Duration, lang string) string {
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if days == 0 {
		return wording.Say(lang, "hours", hours)
	}
	return wording.Say(lang, "days_hours", days, hours)
}

// fileReport records that a manager filed a report.
func (s *Server) fileReport(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	kind := notify.ReportKind(r.PathValue("kind"))
	owed, _, err := s.owed(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !slices.ContainsFunc(owed, func(d notify.Deadline) bool { return d.Kind == kind }) {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	// Filed already (the form sent twice): a report filed again is
	// recorded at /actions.
	if filed, err := s.Store.Filed(r.Context(), owed); err != nil {
		s.fail(w, r, err)
		return
	} else if slices.ContainsFunc(filed, func(d notify.Deadline) bool { return d.Kind == kind && !d.Filed.IsZero() }) {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	if strings.TrimSpace(r.PostFormValue("at")) == "" {
		// One stray click must not record a filing that cannot be undone:
		// the manager says when it was filed.
		s.refuse(w, r, http.StatusBadRequest, "filed_not_sure")
		return
	}
	at, ok := s.doneAt(w, r, r.PostFormValue("at"))
	if !ok {
		return
	}
	if _, err := s.Store.AddAction(r.Context(), notify.Action{Kind: notify.ActionKind(kind), At: at}); err != nil {
		s.failAction(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}
