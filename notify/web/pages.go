package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/sheet"
	"github.com/owabi/owabi/store"
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
	Category                                 notify.Category
	Contacts, Addresses, Sent, Failed, Queue int
	notify.Progress
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	st, err := s.Store.Status(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	progress, err := s.Store.Progress(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []categoryRow
	total := categoryRow{}
	for _, c := range notify.Categories {
		n := st.ByCategory[c]
		row := categoryRow{Category: c, Contacts: st.Categories[c], Addresses: st.AddressesByCategory[c],
			Sent: n[notify.Sent], Failed: n[notify.Failed], Queue: n[notify.Queued] + n[notify.Sending], Progress: progress[c]}
		rows = append(rows, row)
		total.Contacts += row.Contacts
		total.Addresses += row.Addresses
		total.Sent += row.Sent
		total.Failed += row.Failed
		total.Queue += row.Queue
		total.Reached += row.Reached
		total.HearingDone += row.HearingDone
		total.Arrived += row.Arrived
		total.Clicked += row.Clicked
		total.Infected += row.Infected
	}
	_, offset := s.Now().In(s.Zone).Zone()
	days, err := s.Store.ReachedPerDay(r.Context(), 14, time.Duration(offset)*time.Second)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	staff, err := s.Store.StaffProgress(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	withheld, err := s.Store.Withheld(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unassigned := total.Contacts
	for _, p := range staff {
		unassigned -= p.Assigned
	}
	var charts []chart
	for _, row := range rows {
		if row.Contacts > 0 {
			charts = append(charts, funnelChart(row))
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Session: sess, Data: map[string]any{
		"Rows": rows, "Total": total, "Charts": charts, "Days": daysChart(days), "Staff": staff,
		"Next": nextSteps(total, rows, withheld, unassigned, st.WithoutNotice(notify.Deletion), language(r))}})
}

// myContactsLimit is how many contacts the first version of the list shows.
const myContactsLimit = 500

func (s *Server) myContacts(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	var list []notify.ListedContact
	if sess.User.Email != "" {
		var err error
		if list, err = s.Store.ContactsOwnedBy(r.Context(), sess.User.Email, myContactsLimit); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := page{Session: sess, Data: list}
	if len(list) > 0 {
		spoken := 0
		for _, c := range list {
			// At risk is known only from a hearing, so from a call that reached them.
			if c.Urgency == notify.Done || c.Urgency == notify.AtRisk {
				spoken++
			}
		}
		p.Notice = fmt.Sprintf(messages[language(r)]["my_progress"], len(list), spoken)
	}
	s.render(w, r, http.StatusOK, "contacts", p)
}

// exportContacts sends the whole contact list with progress as a
// spreadsheet file, in the user's language.
func (s *Server) exportContacts(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	name := "owabi-contacts-" + s.Now().In(s.Zone).Format("20060102-1504") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if r.Method == http.MethodHead {
		return
	}
	// A million contacts take longer to write than the server's usual limit.
	http.NewResponseController(w).SetWriteDeadline(s.Now().Add(30 * time.Minute))
	n, err := sheet.ContactList(w, language(r), s.Zone, func(fn func(notify.Contact, notify.ContactProgress) error) error {
		return s.Store.EachContact(r.Context(), fn)
	})
	if err != nil {
		// The file has begun: all that can be done is to stop it short,
		// which the browser reports as a failed download.
		s.Log.Error("exporting the contact list", "user", sess.User.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	s.Log.Info("contact list exported", "user", sess.User.ID, "contacts", n)
}

// nextSteps says, in a few lines, what needs doing now, most pressing
// first: what a manager under stress should see before any number.
func nextSteps(total categoryRow, rows []categoryRow, withheld, unassigned, unsent int, lang string) []string {
	t := messages[lang]
	var out []string
	add := func(n int, key string) {
		if n > 0 {
			out = append(out, fmt.Sprintf(t[key], n))
		}
	}
	add(total.Infected, "next_infected")
	add(total.Clicked, "next_clicked")
	for _, r := range rows {
		if r.Category == notify.Unclassified {
			add(r.Contacts, "next_unclassified")
		}
	}
	add(unassigned, "next_unassigned")
	add(unsent, "next_unsent")
	add(total.Failed, "next_failed")
	add(total.Contacts-total.Reached-withheld, "next_call") // nobody calls those not to be contacted
	if len(out) == 0 && total.Contacts > 0 {
		out = append(out, t["next_none"])
	}
	return out
}

// listPage is how many contacts the full list shows at a time.
const listPage = 50

// contactsView is the full list's page: the filters as given, the page of
// contacts, and the links to the pages around it.
type contactsView struct {
	Filter     store.ContactList
	Contacts   []notify.ListedContact
	Owners     []string
	Categories []notify.Category
	Page       int
	Prev, Next string // query strings, "" when there is no such page
}

// allContacts is the manager's list of every contact, searchable and
// filtered by category and owner, a page at a time.
func (s *Server) allContacts(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	n = min(max(n, 1), 100_000) // the list is read in order: a huge page number is a mistake
	f := store.ContactList{Query: q.Get("q"), Category: notify.Category(q.Get("category")), Owner: q.Get("owner"),
		Offset: (n - 1) * listPage, Limit: listPage}
	if !slices.Contains(notify.Categories, f.Category) {
		f.Category = ""
	}
	list, more, err := s.Store.Contacts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	owners, err := s.Store.Owners(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := contactsView{Filter: f, Contacts: list, Owners: owners, Categories: notify.Categories, Page: n}
	link := func(p int) string {
		u := url.Values{"q": {f.Query}, "category": {string(f.Category)}, "owner": {f.Owner}, "page": {strconv.Itoa(p)}}
		return "?" + u.Encode()
	}
	if n > 1 {
		v.Prev = link(n - 1)
	}
	if more {
		v.Next = link(n + 1)
	}
	p := page{Session: sess, Data: v}
	if n, err := strconv.Atoi(q.Get("reassigned")); err == nil && n > 0 {
		p.Notice = fmt.Sprintf(messages[language(r)]["reassigned"], n)
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
	owner, err := addrbook.NormalizeEmail(r.PostFormValue("owner"))
	switch {
	case len(ids) == 0:
		s.refuse(w, r, http.StatusBadRequest, "choose_contacts")
		return
	case err != nil:
		s.refuse(w, r, http.StatusBadRequest, "bad_owner")
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
