package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// ackCookie carries the confirmation page's form token, as the sign-in
// form's does: the page is public, and its form needs CSRF protection too.
const ackCookie = "owabi_ack"

// NewAckToken makes a notice's confirmation token: 256 random bits for the
// link, and the hash the database keeps instead of it.
func NewAckToken() (token string, hash []byte) {
	token = newToken()
	return token, hashToken(token)
}

// ackView is what the confirmation page shows: nothing about the person,
// who may have forwarded the mail, beyond the notice's reference code.
type ackView struct {
	Ref     string
	Token   string // the form's CSRF token
	Reports []notify.LinkReport
	Done    notify.LinkReport // what they reported, on the page after
	Desk    notify.Staff
	Hours   string
}

// ackNotice finds the notice of the link's token, and shows the page for a
// link unknown or expired (with the desk's number) when there is none.
func (s *Server) ackNotice(w http.ResponseWriter, r *http.Request) (notify.Notice, *http.Request, bool) {
	n, err := s.Store.AckToken(r.Context(), hashToken(r.PathValue("token")))
	if notify.ErrorCode(err) == notify.ENOTFOUND {
		s.renderAck(w, r, http.StatusNotFound, ackView{}, "")
		return n, r, false
	}
	if err != nil {
		s.fail(w, r, err)
		return n, r, false
	}
	// In the language of the notice the person received.
	return n, r.WithContext(context.WithValue(r.Context(), langKey{}, n.Lang)), true
}

func (s *Server) ackPage(w http.ResponseWriter, r *http.Request) {
	if n, r, ok := s.ackNotice(w, r); ok {
		s.showAck(w, r, n, http.StatusOK, "")
	}
}

// showAck renders the confirmation form with a fresh form token.
func (s *Server) showAck(w http.ResponseWriter, r *http.Request, n notify.Notice, status int, errKey string) {
	token := newToken()
	http.SetCookie(w, &http.Cookie{Name: ackCookie, Value: token, Path: "/ack/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: 3600})
	s.renderAck(w, r, status, ackView{Ref: n.Ref(), Token: token, Reports: notify.LinkReports}, errKey)
}

// renderAck renders the confirmation page under the organisation's name,
// with its desk to call.
func (s *Server) renderAck(w http.ResponseWriter, r *http.Request, status int, v ackView, errKey string) {
	v.Desk, v.Hours = s.Org.Desk, s.Org.DeskHours
	p := page{Brand: s.Org.Name, Data: v}
	if errKey != "" {
		p.Error = wording.Texts(language(r))[errKey]
	}
	s.render(w, r, status, "ack", p)
}

func (s *Server) ackSubmit(w http.ResponseWriter, r *http.Request) {
	n, r, ok := s.ackNotice(w, r)
	if !ok {
		return
	}
	c, err := r.Cookie(ackCookie)
	report := notify.LinkReport(r.PostFormValue("report"))
	if err != nil || !sameToken(c.Value, r.PostFormValue("csrf")) || !slices.Contains(notify.LinkReports, report) {
		s.showAck(w, r, n, http.StatusForbidden, "form_expired")
		return
	}
	if err := s.Store.AckByLink(notify.WithActor(r.Context(), notify.ActorPerson), n, report); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("acknowledged by link", "notice", n.ID, "report", report)
	s.renderAck(w, r, http.StatusOK, ackView{Ref: n.Ref(), Done: report}, "")
}
