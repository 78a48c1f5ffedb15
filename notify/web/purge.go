package web

import (
	"net/http"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// purgeView is the purge page: what a purge would erase, or when it was
// done, and the files outside the database that it does not erase.
type purgeView struct {
	notify.PurgeReport
	Word    string         // what the manager types to confirm
	Pending []deadlineView // reports owed and not filed yet: the incident may not be closed
	// FilesLeft says that the files owabi wrote outside the database
	// still hold the personal data, or that none is left; Files lists
	// them; FilesOthers asks for the copies owabi cannot know of.
	FilesLeft, FilesOthers string
	Files                  []string
}

// purgePage shows a manager what a purge would erase, with the form that
// does it, or when and by whom it was done.
func (s *Server) purgePage(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	s.showPurge(w, r, sess, http.StatusOK, "")
}

func (s *Server) showPurge(w http.ResponseWriter, r *http.Request, sess *notify.Session, status int, errKey string) {
	rep, err := s.Store.PurgePreview(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rep.Broken != 0 && errKey == "" { // the form would only be refused
		errKey = "purge_broken"
	}
	deadlines, err := s.deadlines(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	written, err := s.Store.WrittenFiles(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := language(r)
	left := notify.LeftBehind(written, rep.At)
	v := purgeView{PurgeReport: rep, Word: notify.PurgeWord, FilesLeft: wording.FilesLeft(lang, left), FilesOthers: wording.FilesOthers(lang)}
	for _, f := range left {
		v.Files = append(v.Files, wording.File(lang, f, s.Zone))
	}
	for _, d := range deadlines {
		if d.Filed.IsZero() {
			v.Pending = append(v.Pending, d)
		}
	}
	s.render(w, r, status, "purge", page{Session: sess, Error: wording.Texts(lang)[errKey], Data: v})
}

// purge erases the personal data, once the manager has typed the word.
// The sender of the daemon this runs in keeps the lock: what it has in
// flight goes out, and nothing more (see store.DB.Purge).
func (s *Server) purge(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	if r.PostFormValue("confirm") != notify.PurgeWord {
		s.showPurge(w, r, sess, http.StatusBadRequest, "purge_not_confirmed")
		return
	}
	rep, err := s.Store.Purge(r.Context(), false)
	switch notify.ErrorCode(err) {
	case "":
	case notify.ECONFLICT:
		s.showPurge(w, r, sess, http.StatusConflict, "purge_broken")
		return
	case notify.EUNAVAILABLE: // purged, but the write-ahead log is still read from
		s.showPurge(w, r, sess, http.StatusOK, "purge_log_kept")
		return
	default:
		// The data may be erased and only the file's rewriting have
		// failed: the page says which, and offers to run it again.
		s.Log.Error("purge", "err", err)
		s.showPurge(w, r, sess, http.StatusInternalServerError, "purge_failed")
		return
	}
	s.Log.Info("personal data purged from the web app", "user", sess.User.ID, "contacts", rep.Contacts, "addresses", rep.Addresses)
	http.Redirect(w, r, "/purge", http.StatusSeeOther)
}
