package web

import (
	"errors"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/wording"
)

// maxUpload bounds an uploaded address book; a million-entry export is
// about 200 MB.
const maxUpload = 512 << 20

// importsView is what the import page shows.
type importsView struct {
	Report  *notify.ImportReport // the import just made, or the one asked for, if any
	Notes   []notesPage          // a page of each kind of its notes
	Imports []notify.ImportSummary
}

// notesPage is one page of an import's notes of a kind, and the links to
// the pages around it.
type notesPage struct {
	Kind            notify.NoteKind // also the list's id, and its page's query parameter
	Title           string          // the key of its heading
	Notes           []notify.EntryNote
	From, To, Total int    // the notes shown, from 1, of Total
	Prev, Next      string // links, "" when there is no such page
}

// noteKinds are the kinds of notes, in the order the report shows them,
// with their headings.
var noteKinds = []struct {
	kind  notify.NoteKind
	title string
}{{notify.RejectedNotes, "rejected"}, {notify.FlaggedNotes, "to_check"}}

// notesPages reads the page of each kind of rep's notes that r asks for
// (?rejected=2&flagged=1, the first by default): the report holds the
// first pages already, and the others are read from the database. The
// links keep the page of the other kind where it is.
func (s *Server) notesPages(r *http.Request, rep *notify.ImportReport) ([]notesPage, error) {
	asked := url.Values{}
	for _, k := range noteKinds {
		if n, err := strconv.Atoi(r.URL.Query().Get(string(k.kind))); err == nil && n > 1 {
			asked.Set(string(k.kind), strconv.Itoa(n))
		}
	}
	var pages []notesPage
	for _, k := range noteKinds {
		p := notesPage{Kind: k.kind, Title: k.title}
		p.Notes, p.Total = rep.Notes(k.kind)
		last := max((p.Total+notify.KeptNotes-1)/notify.KeptNotes, 1)
		n, _ := strconv.Atoi(asked.Get(string(k.kind)))
		n = min(max(n, 1), last) // past the end is the last page: the offset stays within the import
		if n > 1 {
			var err error
			if p.Notes, err = s.Store.ImportNotes(r.Context(), rep.ID, k.kind, (n-1)*notify.KeptNotes, notify.KeptNotes); err != nil {
				return nil, err
			}
		}
		p.From, p.To = (n-1)*notify.KeptNotes+1, (n-1)*notify.KeptNotes+len(p.Notes)
		link := func(to int) string {
			q := maps.Clone(asked)
			q.Set(string(k.kind), strconv.Itoa(to))
			return fmt.Sprintf("/imports/%d?%s#%s", rep.ID, q.Encode(), k.kind)
		}
		if n > 1 {
			p.Prev = link(n - 1)
		}
		if n < last {
			p.Next = link(n + 1)
		}
		pages = append(pages, p)
	}
	return pages, nil
}

func (s *Server) importsPage(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	s.showImports(w, r, sess, http.StatusOK, nil, "")
}

func (s *Server) showImports(w http.ResponseWriter, r *http.Request, sess *notify.Session, status int, rep *notify.ImportReport, errText string) {
	list, err := s.Store.Imports(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := importsView{Report: rep, Imports: list}
	if rep != nil {
		if v.Notes, err = s.notesPages(r, rep); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "imports", page{Session: sess, Error: errText, Data: v})
}

// upload imports the address book sent with the form, as owabi import does.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess *notify.Session, file *multipart.Part) {
	if s.Books == nil {
		s.refuse(w, r, http.StatusForbidden, "forbidden")
		return
	}
	rep, err := s.Books.Import(r.Context(), filepath.Base(file.FileName()), file, respond.ImportOptions{})
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.showImports(w, r, sess, http.StatusRequestEntityTooLarge, nil,
			wording.Texts(language(r))["import_failed"]+" "+wording.Say(language(r), "file_too_large", maxUpload>>20))
		return
	}
	if err != nil {
		if notify.ErrorCode(err) == notify.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		// Something about the file, said in words: nothing was imported.
		s.showImports(w, r, sess, http.StatusBadRequest, nil, wording.Texts(language(r))["import_failed"]+" "+wording.Error(language(r), s.Zone, err))
		return
	}
	s.Log.Info("imported from the web app", "user", sess.User.ID, "import", rep.ID, "records", rep.Records,
		"added", rep.Added, "rejected", rep.RejectedCount)
	s.showImports(w, r, sess, http.StatusOK, &rep, "")
}

// dateImport sets when the persons concerned were listed from an
// import's book, as a manager dates it for the reports' timeline.
func (s *Server) dateImport(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	at, ok := s.doneAt(w, r, r.PostFormValue("at"))
	if !ok {
		return
	}
	if err := s.Store.DateImport(r.Context(), id, at); err != nil {
		if notify.ErrorCode(err) == notify.ENOTFOUND {
			s.refuse(w, r, http.StatusNotFound, "not_found")
			return
		}
		s.failAction(w, r, err)
		return
	}
	http.Redirect(w, r, "/imports/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// pastImport shows the stored report of an earlier import.
func (s *Server) pastImport(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	rep, err := s.Store.ImportReport(r.Context(), id)
	if notify.ErrorCode(err) == notify.ENOTFOUND {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showImports(w, r, sess, http.StatusOK, &rep, "")
}
