package web

import (
	"net/http"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/wording"
)

// noticeItems shows a manager, template by template, whether the notices
// tell what the law asks a notice to the individual to tell; and which
// contacts' notices leave a field of the book out.
func (s *Server) noticeItems(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	if s.TemplateCheck == nil {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	checks, err := s.TemplateCheck(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.Store.Incident(r.Context())
	if err != nil && notify.ErrorCode(err) != notify.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	// Whose notices leave a field out: one read of every contact, as the
	// page is opened now and then by a manager.
	affected, err := fieldcheck.Survey(r.Context(), s.Store)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := page{Session: sess, Data: map[string]any{"Checks": checks, "GDPR": inc.GDPR,
		"Affected": affected, "NotListed": affected.Contacts - len(affected.Listed)}}
	lacking := 0
	for _, c := range checks {
		if len(c.Lacks) > 0 {
			lacking++
		}
	}
	if t := wording.Texts(language(r)); lacking > 0 {
		p.Error = wording.Say(language(r), "notice_items_lacking", lacking)
	} else {
		p.Notice = t["notice_items_ok"]
	}
	s.render(w, r, http.StatusOK, "templates", p)
}
