package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/owabi/owabi/notify"
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
	list, err := s.Store.Filed(r.Context(), s.Deadlines)
	if err != nil {
		return nil, err
	}
	t := messages[language(r)]
	now := s.Now()
	var out []deadlineView
	for _, d := range list {
		v := deadlineView{Deadline: d, State: d.State(now, s.Discovered)}
		left := d.Due.Sub(now)
		if left >= 0 {
			v.Left = fmt.Sprintf(t["time_left"], span(left, t))
		} else {
			v.Left = fmt.Sprintf(t["time_over"], span(-left, t))
		}
		out = append(out, v)
	}
	return out, nil
}

// span says a duration in days and hours.
func span(d time.Duration, t map[string]string) string {
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if days == 0 {
		return fmt.Sprintf(t["hours"], hours)
	}
	return fmt.Sprintf(t["days_hours"], days, hours)
}

// fileReport records that a manager filed a report.
func (s *Server) fileReport(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	kind := notify.ReportKind(r.PathValue("kind"))
	owed := false
	for _, d := range s.Deadlines {
		owed = owed || d.Kind == kind
	}
	if !owed {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Store.FileReport(r.Context(), sess.User.ID, kind); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}
