package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/report"
)

// incidentView is the incident page: the record in its form, its history,
// and the reports written from it.
type incidentView struct {
	Incident notify.Incident
	Texts    []textRow // the text fields, Japanese and English side by side
	History  []notify.IncidentVersion
	Reports  []reportLink
}

// textRow is one text field of the record in both languages.
type textRow struct {
	Key    string
	JA, EN string
}

// reportLink is one report the page offers, in one language.
type reportLink struct {
	Key  string // the message naming it
	Lang string
	Href string // without the format
}

// maxIncidentText bounds each text field: a report item, not a book.
const maxIncidentText = 4000

// incidentPage shows the incident record to a manager, to read and edit,
// with its history and the reports.
func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	inc, err := s.Store.Incident(r.Context())
	if err != nil && notify.ErrorCode(err) != notify.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	notice := ""
	if r.URL.Query().Get("saved") != "" {
		notice = messages[language(r)]["incident_saved"]
	}
	s.showIncident(w, r, sess, inc, http.StatusOK, "", notice)
}

func (s *Server) showIncident(w http.ResponseWriter, r *http.Request, sess *notify.Session, inc notify.Incident, status int, errText, notice string) {
	history, err := s.Store.IncidentHistory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := incidentView{Incident: inc, History: history}
	en := inc.En.Fields()
	for n, f := range inc.IncidentText.Fields() {
		v.Texts = append(v.Texts, textRow{Key: f.Key, JA: *f.Value, EN: *en[n].Value})
	}
	for _, lang := range []string{"ja", "en"} {
		v.Reports = append(v.Reports,
			reportLink{"report_incident", lang, "/reports/incident?lang=" + lang},
			reportLink{"report_ppc_preliminary", lang, "/reports/ppc?lang=" + lang},
			reportLink{"report_ppc_final", lang, "/reports/ppc?final=1&lang=" + lang},
			reportLink{"report_public", lang, "/reports/public?lang=" + lang})
	}
	s.render(w, r, status, "incident", page{Session: sess, Data: v, Error: errText, Notice: notice})
}

// saveIncident saves the manager's edit as a new version of the record.
func (s *Server) saveIncident(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	inc, errKey := s.incidentForm(r)
	if errKey != "" {
		s.showIncident(w, r, sess, inc, http.StatusBadRequest, messages[language(r)][errKey], "")
		return
	}
	if err := s.Store.SaveIncident(r.Context(), sess.User.ID, inc); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.IncidentSaved != nil {
		s.IncidentSaved(inc)
	}
	s.Log.Info("incident record saved", "user", sess.User.ID)
	http.Redirect(w, r, "/incident?saved=1", http.StatusSeeOther)
}

// incidentForm reads the incident page's form; on a mistake it says which
// (a message key) and returns what was typed, to show again.
func (s *Server) incidentForm(r *http.Request) (notify.Incident, string) {
	inc := notify.Incident{
		Intentional: r.PostFormValue("intentional") != "", GDPR: r.PostFormValue("gdpr") != "",
		Source:   notify.Source(r.PostFormValue("source")),
		SpamFrom: strings.TrimSpace(r.PostFormValue("spam_from")), SpamSubject: strings.TrimSpace(r.PostFormValue("spam_subject")),
		SpamURL: strings.TrimSpace(r.PostFormValue("spam_url")),
	}
	errKey := ""
	en := inc.En.Fields()
	for n, f := range inc.IncidentText.Fields() {
		for _, t := range []struct {
			field string
			dst   *string
		}{{"ja." + f.Key, f.Value}, {"en." + f.Key, en[n].Value}} {
			v := strings.ReplaceAll(strings.TrimSpace(r.PostFormValue(t.field)), "\r\n", "\n")
			*t.dst = v
			if len([]rune(v)) > maxIncidentText || strings.ContainsFunc(v, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\t' }) {
				errKey = "bad_incident_text"
			}
		}
	}
	for _, d := range []struct {
		field string
		dst   *time.Time
	}{{"occurred_at", &inc.OccurredAt}, {"discovered_at", &inc.DiscoveredAt}, {"spam_sent_at", &inc.SpamSentAt}} {
		v := r.PostFormValue(d.field)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", v, s.Zone)
		if err != nil {
			errKey = "bad_incident_time"
			continue
		}
		*d.dst = t
	}
	switch {
	case inc.Source != notify.OwnBusiness && inc.Source != notify.Contractor:
		errKey = "bad_form"
	case inc.DiscoveredAt.IsZero() || inc.SpamSentAt.IsZero():
		errKey = "incident_times_needed"
	case !inc.OccurredAt.IsZero() && inc.DiscoveredAt.Before(inc.OccurredAt):
		errKey = "discovered_before_occurred"
	case inc.DiscoveredAt.After(s.Now()):
		errKey = "discovered_in_future"
	case inc.SpamFrom == "" || inc.SpamSubject == "" || strings.ContainsAny(inc.SpamFrom+inc.SpamSubject+inc.SpamURL, "\r\n"):
		errKey = "spam_needed"
	}
	return inc, errKey
}

// showReport writes a report from the record and the counts as of now, as
// a page to print or as Markdown to download.
func (s *Server) showReport(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	q := r.URL.Query()
	in := report.Input{Kind: report.Kind(r.PathValue("kind")), Lang: q.Get("lang"), Final: q.Get("final") != "", Org: s.Org, Zone: s.Zone}
	if in.Lang != "en" {
		in.Lang = "ja"
	}
	format := report.Format(q.Get("format"))
	if format == "" {
		format = report.HTML
	}
	if !slices.Contains(report.Kinds, in.Kind) || format != report.HTML && format != report.Markdown {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	in, err := report.Gather(r.Context(), s.Store, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := report.Build(in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := report.Write(&b, doc, format, s.Templates); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Store.Audit(r.Context(), notify.AuditEntry{Kind: "report", Detail: in.Describe(string(format))}); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	if format == report.Markdown {
		h.Set("Content-Type", "text/markdown; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="owabi-`+string(in.Kind)+"-"+in.Lang+`.md"`)
	} else {
		style, err := report.StyleSource(s.Templates)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// The page carries its own style sheet, so that a saved copy prints alike.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src "+style+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	h.Set("Cache-Control", "no-store")
	b.WriteTo(w)
}
