// Package web is the staff web app: sign-in and sessions; for sales staff,
// their contacts in order of urgency and a call log made for a phone; for
// the manager, the dashboard, the full contact list, reassigning and
// reclassifying, uploads and the spreadsheet export. Pages are rendered on
// the server from embedded templates; nothing is loaded from another host,
// so it works in a closed office network.
package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/wording"
)

// Store is what the web app needs from storage.
type Store interface {
	UserForLogin(ctx context.Context, name string) (notify.User, []byte, error)
	CreateSession(ctx context.Context, tokenHash []byte, s notify.Session, passwordHash []byte) error
	KnowBrowser(ctx context.Context, userID int64, tokenHash []byte) error
	KnownBrowser(ctx context.Context, userID int64, tokenHash []byte, since time.Time) (bool, error)
	Session(ctx context.Context, tokenHash []byte) (notify.Session, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error
	SetLanguage(ctx context.Context, userID int64, lang string) error
	Status(ctx context.Context) (notify.Status, error)
	SendingStopped(ctx context.Context) (*notify.SendingStop, error)
	SentSince(ctx context.Context, since time.Time) ([]time.Time, error)
	Users(ctx context.Context) ([]notify.User, error)
	Dashboard(ctx context.Context, days int, offset time.Duration) (notify.Dashboard, error)
	CaseCounts(ctx context.Context, only ...notify.Urgency) (map[notify.Urgency]int, error)
	Contact(ctx context.Context, id int64) (notify.Contact, error)
	ContactNotices(ctx context.Context, contactID int64) ([]notify.Notice, error)
	Acks(ctx context.Context, contactID int64) ([]notify.Ack, error)
	UnverifiedMail(ctx context.Context, contactID int64) ([]notify.UnverifiedMail, error)
	DecideUnverified(ctx context.Context, contactID, id int64, verdict notify.Verdict) error
	Calls(ctx context.Context, contactID int64) ([]notify.Call, error)
	AddCall(ctx context.Context, userID int64, c notify.Call) (int64, error)
	AckToken(ctx context.Context, tokenHash []byte) (notify.Notice, error)
	AckByLink(ctx context.Context, n notify.Notice, report notify.LinkReport) error
	EachContact(ctx context.Context, fn func(notify.Contact, notify.ContactProgress) error) error
	Imports(ctx context.Context) ([]notify.ImportSummary, error)
	ImportReport(ctx context.Context, id int64) (notify.ImportReport, error)
	ImportNotes(ctx context.Context, id int64, kind notify.NoteKind, offset, limit int) ([]notify.EntryNote, error)
	Contacts(ctx context.Context, f notify.ContactList) ([]notify.ListedContact, bool, error)
	Owners(ctx context.Context) ([]notify.Staff, error)
	Reclassify(ctx context.Context, contactID, userID int64, category notify.Category, reason string) error
	Reassign(ctx context.Context, userID int64, owner string, contactIDs ...int64) error
	SetDoNotContact(ctx context.Context, userID, contactID int64, on bool, reason string) (int, error)
	Events(ctx context.Context, contactID int64) ([]notify.Event, error)
	StaffProgress(ctx context.Context) ([]notify.StaffProgress, error)
	QueueAge(ctx context.Context) (time.Duration, error)
	Audit(ctx context.Context, e notify.AuditEntry) error
	AuditTrail(ctx context.Context, f notify.AuditFilter) ([]notify.AuditEntry, error)
	AddAction(ctx context.Context, a notify.Action) (int64, error)
	EditAction(ctx context.Context, a notify.Action) error
	Actions(ctx context.Context) ([]notify.Action, error)
	DateImport(ctx context.Context, id int64, at time.Time) error
	Purge(ctx context.Context, despiteBroken bool) (notify.PurgeReport, error)
	PurgePreview(ctx context.Context) (notify.PurgeReport, error)
	RecordFile(ctx context.Context, f notify.WrittenFile) error
	WrittenFiles(ctx context.Context) ([]notify.WrittenFile, error)
	Filed(ctx context.Context, deadlines []notify.Deadline) ([]notify.Deadline, error)
	Incident(ctx context.Context) (notify.Incident, error)
	SaveIncident(ctx context.Context, userID, base int64, inc notify.Incident) error
	IncidentHistory(ctx context.Context) ([]notify.IncidentVersion, error)
	Facts(ctx context.Context, asOf time.Time) (notify.Facts, error)
	Timeline(ctx context.Context, asOf time.Time) ([]notify.Step, error)
	// Full says whether the disk is too full to record anything, and since when.
	Full(ctx context.Context) (since time.Time, full bool)
}

// Config is how the app is set up.
type Config struct {
	Store     Store
	Templates fs.FS // holds web/*.tmpl
	Log       *slog.Logger
	// SecureCookies marks cookies Secure: set it when users reach the app
	// over HTTPS (owabi's own TLS or a proxy in front).
	SecureCookies bool
	Zone          *time.Location // times are shown, and typed, in the organisation's zone
	Now           func() time.Time
	// Books imports an address book uploaded as owabi import does
	// (telling its format and encoding, classifying as it stores); nil
	// turns uploads off.
	Books *respond.Books
	// Org names the contact desk on the public confirmation page.
	Org notify.Organisation
	// Pace is how fast the sender may send (smtp.per_minute, per_day):
	// the dashboard says when the queue will have gone out.
	Pace notify.Pace
	// Sender, when set, tells /metrics what the sender met since it
	// started: notices sent, retried, failed.
	Sender func() (sent, retried, failed int64)
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// TemplateCheck, when set, holds the notice templates the notices are
	// written from against what the law asks them to tell (mailer's
	// Composer.CheckTemplates); nil leaves the page out.
	TemplateCheck func(ctx context.Context) ([]notify.TemplateCheck, error)
}

// Server is the web app.
type Server struct {
	Config
	pages            map[string]*template.Template
	login            *limiter // strangers' attempts per name and address
	loginByName      *limiter // strangers' attempts per name, from anywhere
	loginByBrowser   *limiter // attempts from a known browser
	strangersWaiting *places  // strangers' sign-ins under way
	// The password checks: strangers' (one per CPU), and known browsers'
	// (half as many more), which strangers cannot take.
	strangerChecks, knownChecks *slots
	// passwordChecked, when set, runs after a sign-in's password check,
	// for a test to act in the gap before the session is made.
	passwordChecked func()
	routes          []route
	public          map[string]bool // by pattern ("POST /login"): the routes anyone may use
	mux             *http.ServeMux
	// loginsFailed counts refused sign-ins, for /metrics.
	loginsFailed atomic.Int64
	// displayNames are the staff accounts' display names by login, read
	// again for each page a signed-in user opens: who shows people.
	displayNames atomic.Pointer[map[string]string]
}

// route is one registered page, kept so that a test can walk them all.
type route struct {
	method, path string
	public       bool
}

// New builds the app and parses its templates.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	s := &Server{Config: cfg, mux: http.NewServeMux(), public: map[string]bool{},
		login: newLimiter(5, 15*time.Minute), loginByName: newLimiter(20, 15*time.Minute), loginByBrowser: newLimiter(5, 15*time.Minute),
		strangersWaiting: newPlaces(strangersWaiting, strangersWaitingPerAddress),
		strangerChecks:   newSlots(runtime.NumCPU()), knownChecks: newSlots(max(1, runtime.NumCPU()/2))}
	var err error
	if s.pages, err = parsePages(cfg.Templates, s.funcs()); err != nil {
		return nil, err
	}
	s.handle("GET", "/login", true, s.loginPage)
	s.handle("POST", "/login", true, s.loginSubmit)
	s.handle("GET", "/style.css", true, s.static("web/style.css", "text/css; charset=utf-8"))
	s.handle("GET", "/fresh.js", true, s.static("web/fresh.js", "text/javascript; charset=utf-8"))
	s.handle("GET", "/healthz", true, s.healthz)
	s.handle("GET", "/metrics", true, s.metrics)
	s.handle("GET", "/ack/{token}", true, s.ackPage)
	s.handle("POST", "/ack/{token}", true, s.ackSubmit)
	s.handle("POST", "/logout", false, s.signedIn(s.logout))
	s.handle("POST", "/language", false, s.signedIn(s.setLanguage))
	s.handle("GET", "/{$}", false, s.signedIn(s.home))
	s.handle("GET", "/dashboard", false, s.signedIn(s.only(notify.Manager, s.dashboard)))
	s.handle("GET", "/contacts/mine", false, s.signedIn(s.myContacts))
	s.handle("GET", "/contacts", false, s.signedIn(s.onlyAll(s.allContacts)))
	s.handle("POST", "/contacts/owner", false, s.signedIn(s.only(notify.Manager, s.changeOwners)))
	// The export and the reports are forms: each is recorded in the audit
	// trail, which a GET (a link on any site) must never write. Their old
	// addresses lead to the pages with the forms.
	s.handle("POST", "/contacts.csv", false, s.signedIn(s.only(notify.Manager, s.exportContacts)))
	s.handle("GET", "/contacts.csv", false, s.signedIn(s.only(notify.Manager, goTo("/dashboard"))))
	s.handle("POST", "/contacts.xlsx", false, s.signedIn(s.only(notify.Manager, s.exportContacts)))
	s.handle("GET", "/contacts.xlsx", false, s.signedIn(s.only(notify.Manager, goTo("/dashboard"))))
	s.handle("GET", "/import", false, s.signedIn(s.only(notify.Manager, s.importsPage)))
	s.handle("GET", "/audit", false, s.signedIn(s.only(notify.Manager, s.auditTrail)))
	s.handle("GET", "/templates", false, s.signedIn(s.only(notify.Manager, s.noticeItems)))
	s.handle("POST", "/reports/{kind}/filed", false, s.signedIn(s.only(notify.Manager, s.fileReport)))
	s.handle("GET", "/actions", false, s.signedIn(s.only(notify.Manager, s.actionsPage)))
	s.handle("POST", "/actions", false, s.signedIn(s.only(notify.Manager, s.addAction)))
	s.handle("POST", "/actions/{id}", false, s.signedIn(s.only(notify.Manager, s.editAction)))
	s.handle("POST", "/reports/{kind}", false, s.signedIn(s.only(notify.Manager, s.showReport)))
	s.handle("GET", "/reports/{kind}", false, s.signedIn(s.only(notify.Manager, goTo("/incident"))))
	s.handle("GET", "/incident", false, s.signedIn(s.only(notify.Manager, s.incidentPage)))
	s.handle("POST", "/incident", false, s.signedIn(s.only(notify.Manager, s.saveIncident)))
	s.handle("GET", "/purge", false, s.signedIn(s.only(notify.Manager, s.purgePage)))
	s.handle("POST", "/purge", false, s.signedIn(s.only(notify.Manager, s.purge)))
	s.handle("GET", "/imports/{id}", false, s.signedIn(s.only(notify.Manager, s.pastImport)))
	s.handle("POST", "/imports/{id}/listed", false, s.signedIn(s.only(notify.Manager, s.dateImport)))
	// The upload checks its CSRF token itself, reading the form as a stream.
	s.handle("POST", "/import", false, s.signedInRaw(s.only(notify.Manager, s.withUpload(maxUpload, s.upload))))
	s.handle("GET", "/contacts/{id}", false, s.signedIn(s.contactPage))
	s.handle("POST", "/contacts/{id}/calls", false, s.signedIn(s.logCall))
	s.handle("POST", "/contacts/{id}/category", false, s.signedIn(s.only(notify.Manager, s.changeCategory)))
	s.handle("POST", "/contacts/{id}/owner", false, s.signedIn(s.only(notify.Manager, s.changeOwner)))
	s.handle("POST", "/contacts/{id}/contact", false, s.signedIn(s.only(notify.Manager, s.changeDoNotContact)))
	s.handle("POST", "/contacts/{id}/mail/{mail}", false, s.signedIn(s.decideMail))
	return s, nil
}

// goTo sends a signed-in user to path.
func goTo(path string) func(http.ResponseWriter, *http.Request, *notify.Session) {
	return func(w http.ResponseWriter, r *http.Request, _ *notify.Session) {
		http.Redirect(w, r, path, http.StatusSeeOther)
	}
}

// crossSite says whether a request that may change something comes from a
// page of another origin, as the browser says in Sec-Fetch-Site: from
// another site, or from another host of the same site (a colleague's app
// under the same domain gets the SameSite=Lax cookie sent along). A
// request without the header (an older browser, or a plain-HTTP address
// that is not this computer's, where browsers do not send it) is let
// through to the CSRF token, which stays the defence; net/http's
// CrossOriginProtection would then compare Origin with Host, which a
// reverse proxy that rewrites Host makes refuse every form.
func crossSite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "cross-site" || site == "same-site"
}

func (s *Server) handle(method, path string, public bool, h http.HandlerFunc) {
	s.routes = append(s.routes, route{method, path, public})
	s.public[method+" "+path] = public
	s.mux.HandleFunc(method+" "+path, h)
}

// ServeHTTP serves every request with headers that keep the pages to
// themselves: nothing from other hosts, no framing, no caching of
// personal data.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	if s.SecureCookies || r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	// A form sent from another site (or another host of the same site) is
	// refused before anything reads it, token or not.
	if crossSite(r) {
		s.refuse(w, r, http.StatusForbidden, "cross_site")
		return
	}
	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	// Every form but the upload is a short urlencoded one: anything else,
	// or anything bigger, is refused before a handler reads it. The forms
	// anyone may send (the public routes') are shorter still.
	if r.Method == http.MethodPost && r.URL.Path != "/import" {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			s.refuse(w, r, http.StatusUnsupportedMediaType, "bad_form")
			return
		}
		limit := int64(maxForm)
		if s.public[pattern] {
			limit = maxSignInForm
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	s.mux.ServeHTTP(w, r)
}

// page is what every template gets.
type page struct {
	T       map[string]string // the user's language
	Lang    string
	Session *notify.Session // nil on the sign-in page
	Error   string
	Notice  string // a confirmation, such as "logged"
	Data    any
	Banner  string // what stops the app working as it should, on every page: the disk is full, sending has stopped
	Here    string // the page's address, to come back to after switching language
	Brand   string // the name in the header instead of the app's: the organisation's, on public pages
}

// readDisplayNames reads the staff accounts' display names for who; a
// failure leaves the names read before (the page shows logins at worst).
func (s *Server) readDisplayNames(ctx context.Context) {
	users, err := s.Store.Users(ctx)
	if err != nil {
		return
	}
	names := map[string]string{}
	for _, u := range users {
		if u.DisplayName != "" {
			names[strings.ToLower(u.Name)] = u.DisplayName
		}
	}
	s.displayNames.Store(&names)
}

// render writes a page, rendered in full first so that a template error
// never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Lang = language(r)
	p.T = wording.Texts(p.Lang)
	if p.Session != nil {
		s.readDisplayNames(r.Context())
	}
	if _, full := s.Store.Full(r.Context()); full {
		p.Banner = p.T["disk_full_banner"]
	} else if p.Session != nil && p.Session.User.Role == notify.Manager {
		// A manager sees on every page that nothing is going out.
		if stop, err := s.Store.SendingStopped(r.Context()); err == nil && stop != nil {
			p.Banner = wording.Say(p.Lang, "sending_stopped_banner", stop.Since.In(s.Zone).Format("2006-01-02 15:04"), wording.Said(p.Lang, s.Zone, stop.Why))
		}
	}
	p.Here = "/"
	if r.Method == http.MethodGet {
		// Without the notices of what was just done: they are not news
		// in the other language.
		u := *r.URL
		q := u.Query()
		for _, notice := range []string{"logged", "changed", "reassigned"} {
			q.Del(notice)
		}
		u.RawQuery = q.Encode()
		p.Here = u.RequestURI()
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Log.Error("rendering a page", "page", name, "err", err)
		http.Error(w, p.T["internal_error"], http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// refuse shows an error page that says, in the user's language, what is
// wrong (the text of key) and offers the way on: home, or the sign-in form
// for someone not signed in.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, key string) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	sess, err := s.session(r.Context(), r)
	p := page{Error: wording.Texts(language(r))[key]}
	if err == nil {
		p.Session = &sess
	}
	s.render(w, r, status, "error", p)
}

// fail shows an error the user can act on, or "internal error" (and logs
// the detail) for anything else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, notify.ErrPurged) {
		s.refuse(w, r, http.StatusConflict, "purged_refused")
		return
	}
	path := r.URL.Path
	if strings.HasPrefix(path, "/ack/") {
		path = "/ack/…" // the rest is a person's live link
	}
	if key, status := passing(err); key != "" {
		s.Log.Warn("web request not done for now", "path", path, "err", err)
		s.refuse(w, r, status, key)
		return
	}
	s.Log.Error("web request failed", "path", path, "err", err)
	t := wording.Texts(language(r))
	http.Error(w, t["internal_error"], http.StatusInternalServerError)
}

// passing says what to tell the user (the key of a text) after an error
// that passes, and with which status: the same form sent again can be
// done then, so a form comes back with what was typed and this text
// (showContact), and any other request gets a page with it. "" for an
// error that does not pass by itself.
func passing(err error) (key string, status int) {
	switch notify.ErrorCode(err) {
	case notify.EUNAVAILABLE: // the database stayed locked past its busy timeout
		return "busy", http.StatusServiceUnavailable
	case notify.ENOSPACE: // until someone frees space
		return "disk_full", http.StatusServiceUnavailable
	}
	return "", 0
}

// static serves a file of the app's own (its style, its one script).
func (s *Server) static(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := fs.ReadFile(s.Templates, name)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(b)
	}
}

// parsePages parses each page template with the shared layout.
func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, "web/*.tmpl")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		if name == "web/layout.tmpl" {
			continue
		}
		t, err := template.New("").Funcs(funcs).ParseFS(fsys, "web/layout.tmpl", name)
		if err != nil {
			return nil, err
		}
		pages[name[len("web/"):len(name)-len(".tmpl")]] = t
	}
	return pages, nil
}
