package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/sheet"
	"github.com/owabi/owabi/notify/wording"
)

// home sends each user to their first page: the dashboard for a manager,
// their contacts for sales staff.
func (s *Server) home(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	if sess.User.Role == notify.Manager {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/contacts/mine", http.StatusSeeOther)
}

// categoryRow is one line of the dashboard's table.
type categoryRow struct {
	Category                           notify.Category
	Contacts, Addresses, Failed, Queue int
	Sent                               []int // by kind, in the order of notify.NoticeKinds
	notify.Progress
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	_, offset := s.Now().In(s.Zone).Zone()
	d, err := s.Store.Dashboard(r.Context(), 14, time.Duration(offset)*time.Second)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := d.Status
	var rows []categoryRow
	total := categoryRow{Progress: d.Total()}
	for _, c := range notify.Categories {
		n := st.ByCategory[c]
		row := categoryRow{Category: c, Contacts: st.Categories[c], Addresses: st.AddressesByCategory[c],
			Failed: n[notify.Failed], Queue: n[notify.Queued] + n[notify.Sending], Progress: d.Progress[c]}
		if total.Sent == nil {
			total.Sent = make([]int, len(notify.NoticeKinds))
		}
		for i, k := range notify.NoticeKinds {
			row.Sent = append(row.Sent, st.ByCategoryKind[c][k][notify.Sent])
			total.Sent[i] += row.Sent[i]
		}
		rows = append(rows, row)
		total.Contacts += row.Contacts
		total.Addresses += row.Addresses
		total.Failed += row.Failed
		total.Queue += row.Queue
	}
	deadlines, err := s.deadlines(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := language(r)
	var next []nextStep
	for _, t := range d.Todo() {
		next = append(next, nextStep{Text: wording.Todo(lang, t), Href: todoLinks[t.Task]})
	}
	if !d.PurgedAt.IsZero() { // nobody is to be called any more
		next = []nextStep{{Text: wording.Say(lang, "next_purged", d.PurgedAt.In(s.Zone).Format("2006-01-02 15:04"))}}
	}
	var told any // what happened, in the user's language, once there is a record
	if inc, err := s.Store.Incident(r.Context()); err == nil {
		told = inc.In(language(r))
	} else if notify.ErrorCode(err) != notify.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	var outlook string
	if o, err := respond.Outlook(r.Context(), s.Store, s.Pace, s.Now(), st); err != nil {
		s.fail(w, r, err)
		return
	} else if o != nil {
		outlook = wording.Outlook(lang, s.Zone, *o)
	}
	var charts []chart
	for _, row := range rows {
		if row.Contacts > 0 {
			charts = append(charts, funnelChart(row))
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Session: sess, Data: map[string]any{
		"Rows": rows, "Total": total, "Kinds": notify.NoticeKinds, "Charts": charts, "Days": daysChart(d.Reached), "Acked": daysChart(d.Acknowledged), "Staff": d.Staff, "Unassigned": d.Unassigned(), "Deadlines": deadlines,
		"Next": next, "Incident": told, "Outlook": outlook}})
}

// The orders each list offers, its first by default. A salesperson's own
// list comes most urgent first. The full list leaves that order out: at a
// million contacts it would work out every contact's state for each page
// (its state filter finds the urgent ones instead), while the others sort
// a million rows in under 100 ms.
var (
	myOrders  = []notify.Order{notify.ByUrgency, notify.ByName, notify.ByCompany}
	allOrders = []notify.Order{notify.ByNumber, notify.ByName, notify.ByCompany}
)

func (s *Server) myContacts(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	if sess.User.Email == "" { // an account no contact can name as its owner
		s.render(w, r, http.StatusOK, "contacts", page{Session: sess, Data: contactsView{}})
		return
	}
	f := listFilter(r, myOrders...)
	f.Owner = sess.User.Email
	v, err := s.contactsPage(r, f, myOrders...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	staff, err := s.Store.StaffProgress(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := page{Session: sess, Data: v}
	for _, sp := range staff {
		if sp.Owner == asciiLower(sess.User.Email) { // lower-cased as SQLite does
			p.Notice = wording.Say(language(r), "my_progress", sp.Assigned, sp.Reached)
		}
	}
	// Back from logging a call: say whose, if it is theirs to know.
	if id, err := strconv.ParseInt(r.URL.Query().Get("logged"), 10, 64); err == nil {
		if c, err := s.Store.Contact(r.Context(), id); err == nil && s.mayWorkOn(sess, c) {
			p.Notice = strings.TrimSpace(wording.Say(language(r), "saved_for", c.Name()) + " " + p.Notice)
		}
	}
	s.render(w, r, http.StatusOK, "contacts", p)
}

// exportContacts sends the whole contact list with progress as a
// spreadsheet file (CSV, or an Excel workbook for /contacts.xlsx), in the
// user's language, and records the export. It answers the dashboard's
// form, never a link (see showReport).
func (s *Server) exportContacts(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	format := sheet.CSV
	if strings.HasSuffix(r.URL.Path, ".xlsx") {
		format = sheet.XLSX
	}
	name := "owabi-contacts-" + s.Now().In(s.Zone).Format("20060102-1504") + "." + string(format)
	w.Header().Set("Content-Type", format.MediaType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	// A million contacts take longer to write than the server's usual limit.
	http.NewResponseController(w).SetWriteDeadline(s.Now().Add(30 * time.Minute))
	n, err := sheet.ContactList(w, format, language(r), s.Zone, func(fn func(notify.Contact, notify.ContactProgress) error) error {
		return s.Store.EachContact(r.Context(), fn)
	})
	if err != nil {
		// The file has begun: all that can be done is to stop it short,
		// which the browser reports as a failed download.
		s.Log.Error("exporting the contact list", "user", sess.User.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	s.Log.Info("contact list exported", "user", sess.User.ID, "contacts", n)
	if err := s.Store.Audit(r.Context(), notify.AuditEntry{Kind: "export", Said: notify.Say("audit.export_web", n)}); err != nil {
		s.Log.Error("recording an export in the audit trail", "err", err)
	}
	// A copy handed out: the purge page names it, and who took it.
	if err := s.Store.RecordFile(r.Context(), notify.WrittenFile{Kind: notify.FileExport}); err != nil {
		s.Log.Error("recording an export among the files written", "err", err)
	}
}

// nextStep is one line of the dashboard's next steps, and the page where
// it is done when there is one.
type nextStep struct {
	Text, Href string
}

// todoLinks are the lists where each task's people are found.
var todoLinks = map[notify.Task]string{
	notify.TaskAtRisk:     "/contacts?state=" + notify.AtRisk.String(),
	notify.TaskCallBack:   "/contacts?state=" + notify.CallBackDue.String(),
	notify.TaskLookAlike:  "/contacts?rule=" + string(notify.RuleLookAlike),
	notify.TaskUnverified: "/contacts?mail=unverified",
}

// listPage is how many contacts the full list shows at a time.
const listPage = 50

// contactsView is a page of a contact list: the filters as given, the
// contacts, and the links to the pages around it.
type contactsView struct {
	Filter     notify.ContactList
	Contacts   []notify.ListedContact
	Owners     []notify.Staff
	Categories []notify.Category
	States     []notify.Urgency
	Orders     []notify.Order
	Page       int
	Prev, Next string // query strings, "" when there is no such page
	// People are who the owners are, by their address lower-cased.
	People map[string]string
}

// Person is who the owner at address owner is, "" when nobody knows.
func (v contactsView) Person(owner string) string { return v.People[strings.ToLower(owner)] }

// State is the state the list is narrowed to, "" for all.
func (v contactsView) State() string {
	if v.Filter.State == nil {
		return ""
	}
	return v.Filter.State.String()
}

// listFilter reads a list's filters, order and page from its query string;
// what it does not know it leaves out rather than refuse the page.
func listFilter(r *http.Request, orders ...notify.Order) notify.ContactList {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	n = min(max(n, 1), 100_000) // the list is read in order: a huge page number is a mistake
	f := notify.ContactList{Query: q.Get("q"), Category: notify.Category(q.Get("category")), Owner: q.Get("owner"),
		Order: notify.Order(q.Get("order")), Offset: (n - 1) * listPage, Limit: listPage}
	if !slices.Contains(notify.Categories, f.Category) {
		f.Category = ""
	}
	if u, ok := notify.ParseUrgency(q.Get("state")); ok {
		f.State = &u
	}
	f.LookAlike = q.Get("rule") == string(notify.RuleLookAlike)
	f.Unverified = q.Get("mail") == "unverified"
	if !slices.Contains(orders, f.Order) {
		f.Order = orders[0]
	}
	return f
}

// contactsPage reads one page of a list, which can be put in orders, and
// links the pages around it.
func (s *Server) contactsPage(r *http.Request, f notify.ContactList, orders ...notify.Order) (contactsView, error) {
	list, more, err := s.Store.Contacts(r.Context(), f)
	if err != nil {
		return contactsView{}, err
	}
	n := f.Offset/listPage + 1
	v := contactsView{Filter: f, Contacts: list, Categories: notify.Categories, States: notify.Urgencies,
		Orders: orders, Page: n}
	link := func(p int) string {
		u := r.URL.Query()
		u.Set("page", strconv.Itoa(p))
		u.Del("reassigned")
		return "?" + u.Encode()
	}
	if n > 1 {
		v.Prev = link(n - 1)
	}
	if more {
		v.Next = link(n + 1)
	}
	return v, nil
}

// allContacts is the manager's list of every contact, searchable and
// filtered, a page at a time.
func (s *Server) allContacts(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	v, err := s.contactsPage(r, listFilter(r, allOrders...), allOrders...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Owners, err = s.Store.Owners(r.Context()); err == nil {
		v.People, err = s.people(r)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := page{Session: sess, Data: v}
	if n, err := strconv.Atoi(r.URL.Query().Get("reassigned")); err == nil && n > 0 {
		p.Notice = wording.Say(language(r), "reassigned", n)
	}
	s.render(w, r, http.StatusOK, "list", p)
}

// changeOwners hands the contacts ticked on the list to another member of
// staff, all or none.
func (s *Server) changeOwners(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	var ids []int64
	for _, v := range r.PostForm["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.refuse(w, r, http.StatusBadRequest, "bad_form")
			return
		}
		ids = append(ids, id)
	}
	owner, errKey, err := s.staffAddress(r)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case len(ids) == 0:
		s.refuse(w, r, http.StatusBadRequest, "choose_contacts")
		return
	case errKey != "":
		s.refuse(w, r, http.StatusBadRequest, errKey)
		return
	}
	if err := s.Store.Reassign(r.Context(), sess.User.ID, owner, ids...); err != nil {
		if notify.ErrorCode(err) == notify.ENOTFOUND {
			s.refuse(w, r, http.StatusNotFound, "not_found")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.Log.Info("contacts reassigned", "user", sess.User.ID, "contacts", len(ids))
	http.Redirect(w, r, "/contacts?reassigned="+strconv.Itoa(len(ids)), http.StatusSeeOther)
}
