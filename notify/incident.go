package notify

import (
	"cmp"
	"context"
	"reflect"
	"strings"
	"time"
)

// Context is context.Context, named here to keep signatures short.
type Context = context.Context

// Organisation is the organisation that lost the address book and now
// writes to everyone in it.
type Organisation struct {
	Name        string
	NameEn      string
	Domains     []string // the organisation's own e-mail domains
	FromAddress string   // the official address notices come from
	FromName    string
	FromNameEn  string // the name English notices come from; empty, FromName
	Desk        Staff  // the contact desk people can call or write to
	DeskHours   string
	// Where the incident report tells the examining body to turn with
	// questions (本件のお問合せ先): the desk's address (the
	// organisation's when empty) and fax, and named staff with their
	// mobiles.
	DeskAddress, DeskFax string
	DeskStaff            []Staff
	// The desk's name and hours in English, for English notices and
	// reports; empty, they are told as they are.
	DeskNameEn, DeskHoursEn string
	// InternalDesk is the desk staff turn to (情報システム部), which
	// signs the notices to employees, with its English name; empty, the
	// contact desk signs them too. InternalFromName is the name those
	// notices come from (default: the organisation's name and that desk's).
	InternalDesk       Staff
	InternalDeskNameEn string
	InternalFromName   string
	// Who reports to the regulators, as their forms ask.
	Address         string
	Representative  string // 代表者
	CorporateNumber string // 法人番号
	PrivacyMark     string // the Privacy Mark registration number (登録番号)
	// EraDates: the reports in Japanese give days in the Japanese era
	// calendar (令和8年12月3日), as many official letters do.
	EraDates bool
}

// In is the organisation as told in lang: in English, the desk's English
// name and hours, and the English name notices come from, where there are.
func (o Organisation) In(lang string) Organisation {
	if lang == "en" {
		o.Desk.Name = cmp.Or(o.DeskNameEn, o.Desk.Name)
		o.DeskHours = cmp.Or(o.DeskHoursEn, o.DeskHours)
		o.FromName = cmp.Or(o.FromNameEn, o.FromName)
	}
	return o
}

// For is the organisation as a notice to someone of category c tells it,
// in lang: to an employee, signed by the internal desk where there is one.
func (o Organisation) For(lang string, c Category) Organisation {
	if c != Employee || o.InternalDesk.Name == "" {
		return o.In(lang)
	}
	name, org := o.InternalDesk.Name, o.Name
	if lang == "en" {
		name, org = cmp.Or(o.InternalDeskNameEn, name), cmp.Or(o.NameEn, org)
	}
	o.Desk = Staff{Name: name, Phone: cmp.Or(o.InternalDesk.Phone, o.Desk.Phone), Email: o.InternalDesk.Email}
	o.DeskHours = "" // the contact desk's
	o.FromName = cmp.Or(o.InternalFromName, org+" "+name)
	return o
}

// Incident is what happened: the facts the notices quote and the reports
// are written from. The config seeds it; a manager keeps it up to date in
// the web app, and every saved version is kept (store.IncidentHistory).
type Incident struct {
	OccurredAt   time.Time `json:"occurred_at"`
	DiscoveredAt time.Time `json:"discovered_at"`
	// Intentional: caused with wrongful intent (an unauthorised login
	// counts), which gives the final report to the PPC 60 days, not 30.
	Intentional bool      `json:"intentional"`
	GDPR        bool      `json:"gdpr"`   // the GDPR applies: its 72-hour notification is owed too
	Source      Source    `json:"source"` // in the organisation's own business, or at a contractor
	SpamFrom    string    `json:"spam_from"`
	SpamSubject string    `json:"spam_subject"`
	SpamSentAt  time.Time `json:"spam_sent_at"`
	SpamURL     string    `json:"spam_url"` // the link not to open; notices only ever show it defanged
	IncidentText
	// En is the English text, for English notices and reports; a field
	// left empty there is told in Japanese.
	En IncidentText `json:"en"`
}

// Source is where a leak happened: 事故発生元.
type Source string

const (
	OwnBusiness Source = "own"
	Contractor  Source = "contractor"
)

// IncidentText is the incident told in words, in one language. The tags
// are the keys of the config's [incident] and of the stored record.
type IncidentText struct {
	Summary         string `json:"summary" toml:"summary"`       // what happened, in a sentence or two (事故)
	Background      string `json:"background" toml:"background"` // how it came about (経緯)
	Cause           string `json:"cause" toml:"cause"`
	Medium          string `json:"medium" toml:"medium"`                     // where the leaked data was kept (媒体)
	LeakedItems     string `json:"leaked_items" toml:"leaked_items"`         // which personal data leaked (names, addresses, …)
	Measures        string `json:"measures" toml:"measures"`                 // what was done at once to stop it (安全管理措置)
	CausedBy        string `json:"caused_by" toml:"caused_by"`               // who caused it (事故発生者)
	Intent          string `json:"intent" toml:"intent"`                     // intentional or negligent, in words
	Response        string `json:"response" toml:"response"`                 // how the affected persons are being dealt with, beyond the counts
	Publication     string `json:"publication" toml:"publication"`           // whether and where it was made public
	SecondaryDamage string `json:"secondary_damage" toml:"secondary_damage"` // secondary damage or its risk
	// Prevention is what will be done so that it does not happen again,
	// in a sentence or two for the notices; the report lists it by kind.
	Prevention               string `json:"prevention" toml:"prevention"`
	PreventionOrganisational string `json:"prevention_organisational" toml:"prevention_organisational"`
	PreventionHuman          string `json:"prevention_human" toml:"prevention_human"`
	PreventionPhysical       string `json:"prevention_physical" toml:"prevention_physical"`
	PreventionTechnical      string `json:"prevention_technical" toml:"prevention_technical"`
	ReportTo                 string `json:"report_to" toml:"report_to"` // who the incident is reported to
	Reporter                 string `json:"reporter" toml:"reporter"`   // who reports: department, name, telephone, e-mail
}

// In is the incident told in lang: Japanese, or English where the English
// text has the field.
func (i Incident) In(lang string) Incident {
	if lang != "en" {
		return i
	}
	en := i.En.Fields()
	for n, f := range i.IncidentText.Fields() {
		if strings.TrimSpace(*en[n].Value) != "" {
			*f.Value = *en[n].Value
		}
	}
	return i
}

// TextField is one field of an IncidentText, by its key.
type TextField struct {
	Key   string // as in the config and the stored record: "cause"
	Value *string
}

// Fields lists the text's fields in order, to read or set by key.
func (t *IncidentText) Fields() []TextField {
	v := reflect.ValueOf(t).Elem()
	out := make([]TextField, v.NumField())
	for n := range out {
		out[n] = TextField{Key: v.Type().Field(n).Tag.Get("json"), Value: v.Field(n).Addr().Interface().(*string)}
	}
	return out
}

// Outbox is the durable queue of notices that a sender works through.
type Outbox interface {
	// Claim marks up to limit due notices as sending and returns them.
	Claim(ctx Context, limit int) ([]Delivery, error)
	// MarkSent, Retry, Fail and Undeliverable record what one attempt
	// came to, and count it.
	MarkSent(ctx Context, id int64) error
	Retry(ctx Context, id int64, next time.Time, reply ServerReply) error
	Fail(ctx Context, id int64, reply ServerReply) error
	// Undeliverable fails a notice the server refused for good, and marks
	// its address so that nothing more is queued to it.
	Undeliverable(ctx Context, id int64, reply ServerReply) error
	// Release returns claimed but unattempted notices to the queue, as
	// they were.
	Release(ctx Context, ids []int64) error
	// NextDue is when the earliest queued notice is due.
	NextDue(ctx Context) (time.Time, bool, error)
	// StopSending records why sending has stopped, from now unless it
	// had stopped already; SendingResumed records that it runs again.
	StopSending(ctx Context, why Said) error
	SendingResumed(ctx Context) error
	// SentSince is when each message that went out since then went, for
	// a daily cap (Pace.PerDay).
	SentSince(ctx Context, since time.Time) ([]time.Time, error)
}

// SendingStop is why sending has stopped, and since when: the mail server
// refuses to send for owabi, cannot be reached, or no notice can be
// written. Every notice waits in the queue meanwhile. Zero while sending
// runs.
type SendingStop struct {
	Since time.Time `json:"since"`
	Why   Said      `json:"-"`
	// WhyText is Why in English, for owabi status --json.
	WhyText string `json:"why"`
}

// IncidentVersion is one saved version of the incident record.
type IncidentVersion struct {
	ID       int64
	SavedAt  time.Time
	By       string   // the manager who saved it, or "config"
	Changed  []string // the keys that changed from the version before, like "cause" or "en.summary"
	Incident Incident
}

// ItemLabel names an item of the incident record, by its key in a version
// (IncidentVersion.Changed), as the incident page labels it: "summary" is
// inc_summary, "en.cause" the English inc_cause, "spam_from" spam_from.
func ItemLabel(key string) Said {
	if rest, ok := strings.CutPrefix(key, "en."); ok {
		return Say("in_english_field", ItemLabel(rest))
	}
	for _, f := range (&IncidentText{}).Fields() {
		if f.Key == key {
			return Say("inc_" + key)
		}
	}
	return Say(key)
}
