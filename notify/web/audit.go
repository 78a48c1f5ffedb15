package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/owabi/owabi/notify"
)

// auditPage is how many entries the trail shows at a time.
const auditPage = 100

// auditView is the trail's page: the filters as given, the entries, and
// the link to older ones.
type auditView struct {
	Contact string // the filters, as typed
	Actor   string
	Kind    string
	Day     string // 2026-11-26, in the organisation's zone
	Entries []notify.AuditEntry
	Older   string   // query string of the next page, "" when none
	Kinds   []string // the kinds the filter offers
}

// auditKinds are the kinds of entry the trail holds, for its filter.
var auditKinds = []string{"import", "classify", "queue", "resend", "bounce", "bounce_unreadable", "undeliverable", "failed", "reopen", "ack", "call", "category", "owner",
	"contact", "login", "user", "export", "backup", "restore", "requeue", "unverified", "action", "report_filed", "report", "incident", "seal", "purge"}

// auditTrail shows the audit trail to a manager, newest first: the whole
// incident or one contact, narrowed by day, actor and kind.
func (s *Server) auditTrail(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	q := r.URL.Query()
	v := auditView{Contact: q.Get("contact"), Actor: q.Get("actor"), Kind: q.Get("kind"), Day: q.Get("day"), Kinds: auditKinds}
	f := notify.AuditFilter{Actor: v.Actor, Kind: v.Kind, Limit: auditPage + 1}
	f.ContactID, _ = strconv.ParseInt(v.Contact, 10, 64)
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if day, err := time.ParseInLocation(time.DateOnly, v.Day, s.Zone); err == nil {
		f.From, f.To = day, day.AddDate(0, 0, 1)
	}
	entries, err := s.Store.AuditTrail(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(entries) > auditPage {
		entries = entries[:auditPage]
		u := url.Values{"contact": {v.Contact}, "actor": {v.Actor}, "kind": {v.Kind}, "day": {v.Day},
			"before": {strconv.FormatInt(entries[auditPage-1].ID, 10)}}
		v.Older = "?" + u.Encode()
	}
	v.Entries = entries
	s.render(w, r, http.StatusOK, "audit", page{Session: sess, Data: v})
}
