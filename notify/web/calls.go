package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/wording"
)

// maxNote bounds a call's free note.
const maxNote = 4000

// contactView is what a contact's page shows.
type contactView struct {
	Contact   notify.Contact
	OwnerName string // who the owner is, as people know them; "" when nobody knows
	Notices   []notify.Notice
	Acks      []notify.Ack
	Mail      []notify.UnverifiedMail // kept unverified, for a person to decide on
	Calls     []notify.Call
	Events    []notify.Event       // changes managers made
	Owners    []notify.Staff       // for a manager's reassigning
	All       []notify.Category    // for a manager's reclassifying
	Form      notify.Call          // the call form's values: empty, or what was sent with an error
	LeftOut   []fieldcheck.Finding // the fields the notices to the contact leave out

	// The form's choices, in order.
	Outcomes  []notify.CallOutcome
	Questions []notify.Question
	Answers   []notify.Answer
	FollowUps []notify.FollowUp
	Results   []notify.FollowUpResult
	Given     map[notify.Question]notify.Answer // Form's hearing answers by question
}

// contactFor loads the contact in the URL, if the user may work on it:
// managers may see every contact, sales staff their own.
func (s *Server) contactFor(w http.ResponseWriter, r *http.Request, sess *notify.Session) (notify.Contact, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return notify.Contact{}, false
	}
	c, err := s.Store.Contact(r.Context(), id)
	if notify.ErrorCode(err) == notify.ENOTFOUND {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return c, false
	}
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	if !s.mayWorkOn(sess, c) {
		// Not found, as for a number no contact has: which numbers exist
		// is no business of someone who may not see them.
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return c, false
	}
	return c, true
}

// mayWorkOn says whether the user may see and call a contact: managers
// and those a manager let see all every one, sales staff their own.
func (s *Server) mayWorkOn(sess *notify.Session, c notify.Contact) bool {
	mine := sess.User.Email != "" && asciiLower(c.OwnerEmail) == asciiLower(sess.User.Email)
	return seesAll(sess.User) || mine
}

// seesAll says whether a user sees every contact.
func seesAll(u notify.User) bool { return u.Role == notify.Manager || u.AllContacts }

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	c, ok := s.contactFor(w, r, sess)
	if !ok {
		return
	}
	s.showContact(w, r, sess, c, notify.Call{}, http.StatusOK, "")
}

func (s *Server) showContact(w http.ResponseWriter, r *http.Request, sess *notify.Session, c notify.Contact, form notify.Call, status int, errText string) {
	if form.FormKey == "" { // a fresh call form: a key of its own, so that saving it twice stores one call
		form.FormKey = newToken()
	}
	notices, err := s.Store.ContactNotices(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	calls, err := s.Store.Calls(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acks, err := s.Store.Acks(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mail, err := s.Store.UnverifiedMail(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var events []notify.Event
	var owners []notify.Staff
	if sess.User.Role == notify.Manager {
		if events, err = s.Store.Events(r.Context(), c.ID); err == nil {
			owners, err = s.Store.Owners(r.Context())
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	ownerName, err := s.personOf(r, c.OwnerEmail)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	given := map[notify.Question]notify.Answer{}
	for _, q := range notify.Questions {
		given[q] = *form.Hearing.To(q)
	}
	v := contactView{Contact: c, Notices: notices, Acks: acks, Mail: mail, Calls: calls, Form: form, Events: events, Owners: owners, All: notify.Categories,
		Outcomes: notify.CallOutcomes, Questions: notify.Questions, Answers: []notify.Answer{notify.Yes, notify.No, notify.Unknown},
		FollowUps: notify.FollowUps, Results: notify.FollowUpResults, LeftOut: fieldcheck.Record(c.Record),
		Given: given, OwnerName: ownerName}
	p := page{Session: sess, Error: errText, Data: v}
	if r.Method == http.MethodGet && r.URL.Query().Get("logged") != "" && len(calls) > 0 {
		p.Notice = wording.Say(language(r), "saved_for", c.Name())
	}
	if r.Method == http.MethodGet && r.URL.Query().Get("changed") != "" {
		p.Notice = wording.Texts(language(r))["changed"]
	}
	s.render(w, r, status, "contact", p)
}

func (s *Server) logCall(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	c, ok := s.contactFor(w, r, sess)
	if !ok {
		return
	}
	call, errKey := s.readCall(r)
	call.ContactID = c.ID
	if errKey != "" {
		s.showContact(w, r, sess, c, call, http.StatusBadRequest, wording.Texts(language(r))[errKey])
		return
	}
	if _, err := s.Store.AddCall(r.Context(), sess.User.ID, call); err != nil {
		if reason := notify.ErrorReason(err); reason != "" { // when it took place
			s.showContact(w, r, sess, c, call, http.StatusBadRequest, wording.Texts(language(r))[reason])
			return
		}
		if key, status := passing(err); key != "" {
			// Saved again, the same form stores the call once (its key).
			s.Log.Warn("call not logged for now", "contact", c.ID, "user", sess.User.ID, "err", err)
			s.showContact(w, r, sess, c, call, status, wording.Texts(language(r))[key])
			return
		}
		s.fail(w, r, err)
		return
	}
	s.Log.Info("call logged", "contact", c.ID, "user", sess.User.ID, "outcome", call.Outcome)
	// Back to one's list, for the next call; a manager with no list of
	// their own goes back to the contact.
	if sess.User.Email != "" {
		http.Redirect(w, r, "/contacts/mine?logged="+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?logged=1", http.StatusSeeOther)
}

// readCall reads the call form. errKey names what is wrong, for the
// message; the call holds what was sent either way, so nothing typed is
// lost when the form comes back.
func (s *Server) readCall(r *http.Request) (c notify.Call, errKey string) {
	c.Outcome = notify.CallOutcome(r.PostFormValue("outcome"))
	// Browsers send line breaks as CRLF, which maxlength counts as one.
	c.Note = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("note"), "\r\n", "\n"))
	c.FollowUp = notify.FollowUp(r.PostFormValue("follow_up"))
	c.FollowUpResult = notify.FollowUpResult(r.PostFormValue("follow_up_result"))
	c.FormKey = r.PostFormValue("once")
	if c.Outcome == notify.Reached {
		for _, q := range notify.Questions {
			a := c.Hearing.To(q)
			*a = notify.Answer(r.PostFormValue(string(q)))
			if *a != notify.Unknown && *a != notify.Yes && *a != notify.No {
				return c, "bad_form"
			}
		}
	}
	var err error
	if v := r.PostFormValue("at"); v != "" { // earlier than now: the store checks how much
		if c.At, err = s.localInput(v); err != nil {
			return c, "bad_time"
		}
	}
	if v := r.PostFormValue("call_back_at"); v != "" {
		if c.CallBackAt, err = s.localInput(v); err != nil {
			return c, "bad_call_back"
		}
	}
	for _, d := range []struct {
		field string
		dst   *time.Time
	}{{"follow_up_on", &c.FollowUpOn}, {"follow_up_done", &c.FollowUpDone}} {
		if v := r.PostFormValue(d.field); v != "" {
			if *d.dst, err = time.Parse("2006-01-02", v); err != nil {
				return c, "bad_date"
			}
		}
	}
	// A call-back time belongs to a call-back, a date to a follow-up.
	if c.Outcome != notify.CallBack {
		c.CallBackAt = time.Time{}
	}
	if c.FollowUp == notify.NoFollowUp {
		c.FollowUpOn, c.FollowUpDone, c.FollowUpResult = time.Time{}, time.Time{}, notify.NoResult
	}
	switch {
	case !slices.Contains(notify.CallOutcomes, c.Outcome):
		return c, "choose_outcome"
	case c.Outcome == notify.CallBack && c.CallBackAt.IsZero():
		return c, "bad_call_back"
	case !slices.Contains(notify.FollowUps, c.FollowUp), !slices.Contains(notify.FollowUpResults, c.FollowUpResult),
		len(c.FormKey) > 64:
		return c, "bad_form"
	case c.FollowUpResult != notify.NoResult && c.FollowUpDone.IsZero():
		return c, "result_without_date"
	case c.FollowUpDone.Format(time.DateOnly) > s.Now().In(s.Zone).Format(time.DateOnly):
		return c, "bad_done_date"
	case c.Outcome == notify.CallBack && !c.CallBackAt.After(s.Now()):
		return c, "call_back_past"
	case len([]rune(c.Note)) > maxNote:
		return c, "note_too_long"
	case strings.ContainsFunc(c.Note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return c, "bad_form"
	}
	return c, ""
}

// asciiLower folds A–Z only, as SQLite's NOCASE does: the list of one's
// contacts and the check on each contact must agree on who owns what.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// checked marks a radio button or option chosen.
func checked(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// maxReason bounds the reason given for a change of category.
const maxReason = 500

// changeCategory sets a contact's category as a manager decided it, with
// the reason they give.
func (s *Server) changeCategory(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	c, ok := s.contactFor(w, r, sess)
	if !ok {
		return
	}
	category := notify.Category(r.PostFormValue("category"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	switch {
	case !slices.Contains(notify.Categories, category):
		s.showContact(w, r, sess, c, notify.Call{}, http.StatusBadRequest, wording.Texts(language(r))["bad_form"])
		return
	case reason == "" || len([]rune(reason)) > maxReason || strings.ContainsFunc(reason, unicode.IsControl):
		s.showContact(w, r, sess, c, notify.Call{}, http.StatusBadRequest, wording.Texts(language(r))["give_reason"])
		return
	}
	if err := s.Store.Reclassify(r.Context(), c.ID, sess.User.ID, category, reason); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("contact reclassified", "contact", c.ID, "user", sess.User.ID, "category", category)
	http.Redirect(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?changed=1", http.StatusSeeOther)
}

// changeOwner hands a contact to another member of staff.
func (s *Server) changeOwner(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	c, ok := s.contactFor(w, r, sess)
	if !ok {
		return
	}
	owner, errKey, err := s.staffAddress(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if errKey != "" {
		s.showContact(w, r, sess, c, notify.Call{}, http.StatusBadRequest, wording.Texts(language(r))[errKey])
		return
	}
	if err := s.Store.Reassign(r.Context(), sess.User.ID, owner, c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("contact reassigned", "contact", c.ID, "user", sess.User.ID)
	http.Redirect(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?changed=1", http.StatusSeeOther)
}

// staffAddress reads the form's new owner: the address of someone who owns
// contacts already or has an account. errKey says what is wrong with it;
// a typo must not hand people to nobody.
func (s *Server) staffAddress(r *http.Request) (owner, errKey string, err error) {
	owner, err = addrbook.NormalizeEmail(r.PostFormValue("owner"))
	if err != nil {
		return "", "bad_owner", nil
	}
	staff, err := s.Store.Owners(r.Context())
	if err != nil {
		return "", "", err
	}
	for _, st := range staff {
		if asciiLower(st.Email) == asciiLower(owner) {
			return owner, "", nil
		}
	}
	return "", "unknown_owner", nil
}

// decideMail confirms or dismisses a mail kept unverified under the
// contact: whoever may work on the contact knows best whether its person
// wrote it, and the audit trail says who decided.
func (s *Server) decideMail(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	c, ok := s.contactFor(w, r, sess)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("mail"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "not_found")
		return
	}
	verdict := notify.Verdict(r.PostFormValue("verdict"))
	if err := s.Store.DecideUnverified(r.Context(), c.ID, id, verdict); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("unverified mail decided", "contact", c.ID, "user", sess.User.ID, "verdict", verdict)
	http.Redirect(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?changed=1", http.StatusSeeOther)
}

// changeDoNotContact marks a contact not to be contacted, or lifts the
// mark, with the reason the manager gives.
func (s *Server) changeDoNotContact(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	c, ok := s.contactFor(w, r, sess)
	if !ok {
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" || len([]rune(reason)) > maxReason || strings.ContainsFunc(reason, unicode.IsControl) {
		s.showContact(w, r, sess, c, notify.Call{}, http.StatusBadRequest, wording.Texts(language(r))["give_reason_dnc"])
		return
	}
	on := r.PostFormValue("do_not_contact") == "yes"
	if _, err := s.Store.SetDoNotContact(r.Context(), sess.User.ID, c.ID, on, reason); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("contact marked", "contact", c.ID, "user", sess.User.ID, "do_not_contact", on)
	http.Redirect(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?changed=1", http.StatusSeeOther)
}

// personOf is who the member of staff at address owner is, as people
// know them (notify.StaffProgress.Person), "" when nobody knows.
func (s *Server) personOf(r *http.Request, owner string) (string, error) {
	people, err := s.people(r)
	return people[strings.ToLower(owner)], err
}

// people are who the owners are, as people know them, by their address
// lower-cased.
func (s *Server) people(r *http.Request) (map[string]string, error) {
	staff, err := s.Store.StaffProgress(r.Context())
	people := map[string]string{}
	for _, p := range staff {
		if person := p.Person(); person != "" {
			people[strings.ToLower(p.Owner)] = person
		}
	}
	return people, err
}
