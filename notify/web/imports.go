package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/owabi/owabi/notify"
)

// maxUpload bounds an uploaded address book; a million-entry export is
// about 200 MB.
const maxUpload = 512 << 20

// importsView is what the import page shows.
type importsView struct {
	Report  *notify.ImportReport // the import just made, if any
	Imports []notify.ImportSummary
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
	s.render(w, r, status, "imports", page{Session: sess, Error: errText,
		Data: importsView{Report: rep, Imports: list}})
}

// upload imports the address book sent with the form, as owabi import does.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess *notify.Session, file *multipart.Part) {
	if s.Import == nil {
		s.refuse(w, r, http.StatusForbidden, "forbidden")
		return
	}
	rep, err := s.Import(r.Context(), filepath.Base(file.FileName()), file)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.showImports(w, r, sess, http.StatusRequestEntityTooLarge, nil,
			messages[language(r)]["import_failed"]+" "+fmt.Sprintf(messages[language(r)]["file_too_large"], maxUpload>>20))
		return
	}
	if err != nil {
		if notify.ErrorCode(err) == notify.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		// Something about the file, said in words: nothing was imported.
		s.showImports(w, r, sess, http.StatusBadRequest, nil, messages[language(r)]["import_failed"]+" "+inLanguage(language(r), err.Error()))
		return
	}
	s.Log.Info("imported from the web app", "user", sess.User.ID, "import", rep.ID, "records", rep.Records,
		"added", rep.Added, "rejected", rep.RejectedCount)
	s.showImports(w, r, sess, http.StatusOK, &rep, "")
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
