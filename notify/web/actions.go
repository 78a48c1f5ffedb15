package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// actionsView is the page of the steps of the response taken outside
// owabi (対応の記録): each with when it was done and who recorded it, and
// the form that records another.
type actionsView struct {
	Actions        []notify.Action
	Kinds          []notify.ActionKind
	Form           notify.Action // as typed, when it was refused
	Zone           string
	MaxBy, MaxNote int
}

func (s *Server) actionsPage(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	s.showActions(w, r, sess, notify.Action{}, http.StatusOK, "")
}

func (s *Server) showActions(w http.ResponseWriter, r *http.Request, sess *notify.Session, form notify.Action, status int, errText string) {
	list, err := s.Store.Actions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := actionsView{Actions: list, Kinds: notify.ActionKinds, Form: form, Zone: s.Zone.String(),
		MaxBy: notify.MaxActionBy, MaxNote: notify.MaxActionNote}
	p := page{Session: sess, Error: errText, Data: v}
	if r.Method == http.MethodGet && r.URL.Query().Get("saved") != "" {
		p.Notice = wording.Texts(language(r))["action_saved"]
	}
	s.render(w, r, status, "actions", p)
}

// addAction records a step of the response a manager took outside owabi.
func (s *Server) addAction(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	a := readAction(r)
	s.saveAction(w, r, sess, a, func(a notify.Action) error {
		_, err := s.Store.AddAction(r.Context(), a)
		return err
	})
}

// editAction changes when an action was done, who did it and its note.
func (s *Server) editAction(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	a := readAction(r)
	var err error
	if a.ID, err = strconv.ParseInt(r.PathValue("id"), 10, 64); err != nil {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	s.saveAction(w, r, sess, a, func(a notify.Action) error { return s.Store.EditAction(r.Context(), a) })
}

// saveAction saves the action a form told with save: the form comes back
// with what was typed and what is wrong, or the page shows it saved. A
// new one left without a time was done now; a correction says when.
func (s *Server) saveAction(w http.ResponseWriter, r *http.Request, sess *notify.Session, a notify.Action, save func(notify.Action) error) {
	t := wording.Texts(language(r))
	if a.ID != 0 && r.PostFormValue("at") == "" {
		s.showActions(w, r, sess, a, http.StatusBadRequest, t["action_time_missing"])
		return
	}
	at, err := s.optionalTime(r.PostFormValue("at"))
	if err != nil {
		s.showActions(w, r, sess, a, http.StatusBadRequest, t["bad_time"])
		return
	}
	a.At = at
	if err := save(a); err != nil {
		if reason := notify.ErrorReason(err); reason != "" {
			s.showActions(w, r, sess, a, http.StatusBadRequest, t[reason])
			return
		}
		if key, status := passing(err); key != "" {
			s.showActions(w, r, sess, a, status, t[key])
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/actions?saved=1", http.StatusSeeOther)
}

func readAction(r *http.Request) notify.Action {
	return notify.Action{Kind: notify.ActionKind(r.PostFormValue("kind")), By: strings.TrimSpace(r.PostFormValue("by")),
		Note: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("note"), "\r\n", "\n"))}
}

// optionalTime reads a datetime-local field typed in the zone; empty, it
// is now.
func (s *Server) optionalTime(v string) (time.Time, error) {
	if v == "" {
		return s.Now(), nil
	}
	return s.localInput(v)
}

// doneAt reads when a manager says something was done, for a form with no
// page of its own to come back to: a wrong time is refused with a page
// that says so.
func (s *Server) doneAt(w http.ResponseWriter, r *http.Request, v string) (time.Time, bool) {
	at, err := s.optionalTime(v)
	if err != nil {
		s.refuse(w, r, http.StatusBadRequest, "bad_time")
		return at, false
	}
	return at, true
}

// failAction shows why an action was refused, for a form with no page of
// its own to come back to.
func (s *Server) failAction(w http.ResponseWriter, r *http.Request, err error) {
	if reason := notify.ErrorReason(err); reason != "" {
		s.refuse(w, r, http.StatusBadRequest, reason)
		return
	}
	s.fail(w, r, err)
}
