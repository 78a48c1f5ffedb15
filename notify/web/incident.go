package web

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/report"
	"github.com/owabi/owabi/notify/wording"
)

// incidentView is the incident page: the record in its form, its history,
// and the reports written from it.
type incidentView struct {
	Incident notify.Incident
	Version  int64     // the version the form was filled from
	Texts    []textRow // the text fields, Japanese and English side by side
	OpenEn   bool      // show the English texts: one of them is wrong
	Zone     string    // the zone times are typed in
	History  []notify.IncidentVersion
	Reports  []reportLink
	AsOf     string    // the time the reports are written as of, as the field holds it; "" for now
	AsOfTime time.Time // and as a time
}

// textRow is one text field of the record in both languages.
type textRow struct {
	Key    string
	JA, EN string
}

// reportLink is one report the page offers, in one language: a form, as
// writing it is recorded in the audit trail.
type reportLink struct {
	Key   string // the message naming it
	Lang  string
	Kind  report.Kind
	Final bool
}

// maxIncidentText bounds each text field: a report item, not a book (and
// all of them, sent as a form, well within maxForm).
const maxIncidentText = 2000

// maxSpamLine bounds the spam's sender, subject and link.
const maxSpamLine = 500

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
		notice = wording.Texts(language(r))["incident_saved"]
	}
	s.showIncident(w, r, sess, inc, 0, false, http.StatusOK, "", notice)
}

// asOf reads the time a report is to be written as of, typed in the zone:
// zero for now. A time to come is refused.
func (s *Server) asOf(v string) (t time.Time, problem string) {
	if v == "" {
		return time.Time{}, ""
	}
	t, err := s.localInput(v)
	switch {
	case err != nil:
		return time.Time{}, "bad_time"
	case t.After(s.Now()):
		return time.Time{}, "as_of_in_future"
	}
	return t, ""
}

// showIncident shows the page with inc in the form: as recorded, or as
// typed when it was refused (then base is the version it was typed on).
func (s *Server) showIncident(w http.ResponseWriter, r *http.Request, sess *notify.Session, inc notify.Incident, base int64, openEn bool, status int, errText, notice string) {
	history, err := s.Store.IncidentHistory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := incidentView{Incident: inc, History: history, Version: base, OpenEn: openEn, Zone: s.Zone.String()}
	if at, problem := s.asOf(r.URL.Query().Get("as_of")); problem != "" && errText == "" {
		errText = wording.Texts(language(r))[problem]
	} else if problem == "" {
		v.AsOf, v.AsOfTime = r.URL.Query().Get("as_of"), at
	}
	if base == 0 && len(history) > 0 {
		v.Version = history[0].ID
	}
	en := inc.En.Fields()
	for n, f := range inc.IncidentText.Fields() {
		v.Texts = append(v.Texts, textRow{Key: f.Key, JA: *f.Value, EN: *en[n].Value})
	}
	for _, lang := range []string{"ja", "en"} {
		v.Reports = append(v.Reports,
			reportLink{"report_incident", lang, report.IncidentReport, false},
			reportLink{"report_ppc_preliminary", lang, report.PPC, false},
			reportLink{"report_ppc_final", lang, report.PPC, true},
			reportLink{"report_public", lang, report.PublicNotice, false})
	}
	s.render(w, r, status, "incident", page{Session: sess, Data: v, Error: errText, Notice: notice})
}

// saveIncident saves the manager's edit as a new version of the record.
func (s *Server) saveIncident(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	t := wording.Texts(language(r))
	base, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	inc, problem, inEnglish := s.incidentForm(r, t)
	if problem != "" {
		s.showIncident(w, r, sess, inc, base, inEnglish, http.StatusBadRequest, problem, "")
		return
	}
	err := s.Store.SaveIncident(r.Context(), sess.User.ID, base, inc)
	if notify.ErrorCode(err) == notify.ECONFLICT {
		s.showIncident(w, r, sess, inc, base, false, http.StatusConflict, t["incident_conflict"], "")
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("incident record saved", "user", sess.User.ID)
	http.Redirect(w, r, "/incident?saved=1", http.StatusSeeOther)
}

// incidentForm reads the incident page's form; on a mistake it says what
// is wrong, naming the item (and whether one is in English), and returns
// what was typed, to show again.
func (s *Server) incidentForm(r *http.Request, t map[string]string) (inc notify.Incident, problem string, inEnglish bool) {
	inc = notify.Incident{
		Intentional: r.PostFormValue("intentional") != "", GDPR: r.PostFormValue("gdpr") != "",
		Source: notify.Source(r.PostFormValue("source")),
	}
	var problems []string
	for _, f := range []struct {
		key string
		dst *string
	}{{"spam_from", &inc.SpamFrom}, {"spam_subject", &inc.SpamSubject}, {"spam_url", &inc.SpamURL}} {
		*f.dst = strings.TrimSpace(r.PostFormValue(f.key))
		if len([]rune(*f.dst)) > maxSpamLine || strings.ContainsFunc(*f.dst, unsafeInText) || strings.ContainsAny(*f.dst, "\n\t") {
			problems = append(problems, wording.Say(language(r), "bad_incident_line", t[f.key], maxSpamLine))
		}
	}
	en := inc.En.Fields()
	for n, f := range inc.IncidentText.Fields() {
		for _, x := range []struct {
			field, label string
			dst          *string
		}{{"ja." + f.Key, t["inc_"+f.Key], f.Value}, {"en." + f.Key, wording.Say(language(r), "in_english_field", t["inc_"+f.Key]), en[n].Value}} {
			// Text pasted from a word processor may break lines with \v or \f.
			v := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\v", "\n", "\f", "\n").Replace(strings.TrimSpace(r.PostFormValue(x.field)))
			*x.dst = v
			if len([]rune(v)) > maxIncidentText || strings.ContainsFunc(v, func(c rune) bool { return c != '\n' && c != '\t' && unsafeInText(c) }) {
				problems = append(problems, wording.Say(language(r), "bad_incident_text", x.label, maxIncidentText))
				inEnglish = inEnglish || strings.HasPrefix(x.field, "en.")
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
		at, err := s.localInput(v)
		if err != nil {
			problems = append(problems, wording.Say(language(r), "bad_incident_time", t[d.field]))
			continue
		}
		*d.dst = at
	}
	switch {
	case inc.Source != notify.OwnBusiness && inc.Source != notify.Contractor:
		problems = append(problems, t["bad_form"])
	case inc.DiscoveredAt.IsZero() || inc.SpamSentAt.IsZero():
		problems = append(problems, t["incident_times_needed"])
	case inc.OccurredAt.After(s.Now()):
		problems = append(problems, t["occurred_in_future"])
	case inc.DiscoveredAt.After(s.Now()) || inc.SpamSentAt.After(s.Now()):
		problems = append(problems, t["discovered_in_future"])
	case !inc.OccurredAt.IsZero() && inc.DiscoveredAt.Before(inc.OccurredAt):
		problems = append(problems, t["discovered_before_occurred"])
	case !inc.OccurredAt.IsZero() && inc.SpamSentAt.Before(inc.OccurredAt):
		problems = append(problems, t["spam_before_occurred"])
	case inc.SpamFrom == "" || inc.SpamSubject == "":
		problems = append(problems, t["spam_needed"])
	}
	return inc, strings.Join(problems, " "), inEnglish
}

// unsafeInText is a character no item may hold: a control character, a
// line or paragraph separator, or a bidirectional override that could make
// a quoted spam subject read other than it is.
func unsafeInText(c rune) bool {
	return unicode.IsControl(c) || c == '\u2028' || c == '\u2029' || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069'
}

// showReport writes a report from the record and the counts as of now, as
// a page to print or as Markdown to download, and records that it was
// written. It answers the incident page's form, never a link: a link on
// another site, followed by a manager's browser, must not write the audit
// trail in their name.
func (s *Server) showReport(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	in := report.Input{Kind: report.Kind(r.PathValue("kind")), Lang: r.PostFormValue("lang"), Final: r.PostFormValue("final") != "", Org: s.Org, Zone: s.Zone,
		Back: "/incident#reports"}
	if in.Lang != "en" {
		in.Lang = "ja"
	}
	format := report.Format(r.PostFormValue("format"))
	if format == "" {
		format = report.HTML
	}
	if !slices.Contains(report.Kinds, in.Kind) || !slices.Contains(report.Formats, format) {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	var problem string
	if in.AsOf, problem = s.asOf(r.PostFormValue("as_of")); problem != "" {
		s.refuse(w, r, http.StatusBadRequest, problem)
		return
	}
	var b bytes.Buffer
	in, err := report.Produce(r.Context(), s.Store, in, format, s.Templates, &b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Store.Audit(r.Context(), notify.AuditEntry{Kind: "report", Said: in.Describe(string(format))}); err != nil {
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
