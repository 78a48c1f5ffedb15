// Package report writes the reports on the incident from what owabi
// recorded: the incident report in the Privacy Mark layout, the items of
// the PPC's report form (preliminary or final) and the public notice, in
// Japanese or English, as a printable HTML page or as Markdown. Every
// number comes from the database, stated as of a time; the words come from
// the incident record.
package report

import (
	"cmp"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// Kind is which report to write.
type Kind string

const (
	IncidentReport Kind = "incident" // 事故報告書, to the Privacy Mark body
	PPC            Kind = "ppc"      // the APPI report to the PPC
	PublicNotice   Kind = "public"   // for the website
)

// Kinds lists every report, in the order they are offered.
var Kinds = []Kind{IncidentReport, PPC, PublicNotice}

// Input is everything a report is written from.
type Input struct {
	Kind     Kind
	Lang     string // ja or en
	Final    bool   // PPC: the final report (確報), not the preliminary (速報)
	Org      notify.Organisation
	Incident notify.Incident
	Facts    notify.Facts
	Steps    []notify.Step
	Filings  []notify.Deadline // the reports owed, with when each was filed
	Actions  []notify.Action   // what was done outside owabi, reports filed among them
	Zone     *time.Location
	// AsOf is the time the report is written as of: its counts and its
	// course of events are what had happened by then. Zero is now.
	AsOf time.Time
	// Back, when set, is the page of the web app the report links back
	// to (a link not printed); a report written to a file has none.
	Back string
}

// Document is a report laid out: sections of labelled text, lists and
// tables, ready for either format.
type Document struct {
	Lang     string
	Back     [2]string // the page to go back to, and the link's words; empty in a file
	Title    string
	Lines    []string // under the title: who, as of when
	Sections []Section
}

// Section is one heading and what is under it.
type Section struct {
	Heading string
	Blocks  []Block
}

// Block is a paragraph with an optional label, a list, or a table of
// label–value rows; a timeline is a table.
type Block struct {
	Label string
	Text  string // paragraphs, split on blank lines
	Items []string
	Rows  [][2]string
}

// Paragraphs splits the text into its paragraphs and their lines.
func (b Block) Paragraphs() [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.TrimSpace(b.Text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

// Build lays out the report in.Kind.
func Build(in Input) (Document, error) {
	if in.Lang != "en" {
		in.Lang = "ja"
	}
	if in.Zone == nil {
		in.Zone = time.UTC
	}
	in.Incident, in.Org = in.Incident.In(in.Lang), in.Org.In(in.Lang)
	w := writer{Input: in, t: wording.Part(in.Lang, "report.")}
	doc, err := w.build()
	if in.Back != "" {
		doc.Back = [2]string{in.Back, w.t["back"]}
	}
	return doc, err
}

func (w writer) build() (Document, error) {
	switch w.Kind {
	case IncidentReport:
		return w.incidentReport(), nil
	case PPC:
		return w.ppcReport(), nil
	case PublicNotice:
		return w.publicNotice(), nil
	}
	return Document{}, notify.Errorf(notify.EINVALID, "%q is not a report: incident, ppc or public", w.Kind)
}

// writer lays out one report in one language: t are its texts that take
// no values, and f writes one that does.
type writer struct {
	Input
	t map[string]string
}

func (w writer) f(key string, args ...any) string { return wording.Say(w.Lang, "report."+key, args...) }

// when is a moment as the report writes it, in the zone: in the
// Japanese era calendar when the organisation asks for it (as day).
func (w writer) when(t time.Time) string {
	if w.Lang == "ja" && w.Org.EraDates {
		return notify.EraTime(t.In(w.Zone))
	}
	return notify.LetterTime(w.Lang, t.In(w.Zone))
}

// day is a day as the report writes it: in the Japanese era calendar
// when the organisation asks for it (organisation.era_dates).
func (w writer) day(t time.Time) string {
	if w.Lang == "ja" && w.Org.EraDates {
		return notify.EraDate(t)
	}
	return notify.LetterDate(w.Lang, t)
}

func (w writer) header(title string) Document {
	return Document{Lang: w.Lang, Title: title, Lines: []string{
		w.orgName(), w.f("as_of", w.when(w.Facts.AsOf)),
	}}
}

func (w writer) orgName() string {
	if w.Lang == "en" && w.Org.NameEn != "" {
		return w.Org.NameEn
	}
	return w.Org.Name
}

// text is a field of the record, or a note that it is not recorded yet.
func (w writer) text(s string) string {
	if strings.TrimSpace(s) == "" {
		return w.t["not_recorded"]
	}
	return strings.TrimSpace(s)
}

// reporter is who reports, as the regulators' forms ask; withMark adds
// the Privacy Mark registration number.
func (w writer) reporter(withMark bool) Section {
	o := w.Org
	rows := [][2]string{
		{w.t["org_name"], w.orgName()}, {w.t["corporate_number"], w.text(o.CorporateNumber)},
		{w.t["address"], w.text(o.Address)}, {w.t["representative"], w.text(o.Representative)},
		{w.t["reporter"], w.text(w.Incident.Reporter)},
	}
	heading := w.t["p_reporter"] // beside the PPC form's numbered items
	if withMark {
		rows = append(rows, [2]string{w.t["privacy_mark"], w.text(o.PrivacyMark)})
		heading = w.t["h_reporter"]
	}
	return Section{heading, []Block{{Rows: rows}}}
}

func (w writer) incidentReport() Document {
	d := w.header(w.t["incident_title"])
	inc := w.Incident
	d.Sections = []Section{
		w.reporter(true),
		{w.t["h_occurred"], []Block{{Text: w.when(inc.OccurredAt)}}},
		{w.t["h_discovered"], []Block{{Text: w.when(inc.DiscoveredAt)}}},
		{w.t["h_overview"], []Block{
			{Label: w.t["background"], Text: w.text(inc.Background)},
			{Label: w.t["accident"], Text: w.text(inc.Summary)},
			{Label: w.t["damage"], Text: w.damage()},
		}},
		{w.t["h_cause"], []Block{{Text: w.text(inc.Cause)}}},
		{w.t["h_data"], []Block{{Rows: [][2]string{
			{w.t["medium"], w.text(inc.Medium)},
			{w.t["items"], w.text(inc.LeakedItems)},
			{w.t["count"], w.persons()},
		}}}},
		{w.t["h_measures"], []Block{{Text: w.text(inc.Measures)}}},
		{w.t["h_timeline"], []Block{{Rows: w.timeline()}}},
		{w.t["h_source"], []Block{{Text: w.t["source_"+string(inc.Source)]}}},
		{w.t["h_caused_by"], []Block{{Text: w.text(inc.CausedBy)}}},
		{w.t["h_intent"], []Block{{Text: w.intent()}}},
		{w.t["h_response"], w.response()},
		{w.t["h_publication"], []Block{{Text: w.text(inc.Publication)}}},
		{w.t["h_secondary"], w.secondary()},
		{w.t["h_prevention"], w.prevention()},
		{w.t["h_report_to"], w.reportTo()},
		{w.t["h_contact"], []Block{{Rows: w.contact()}}},
	}
	return d
}

func (w writer) ppcReport() Document {
	title := w.t["ppc_preliminary"]
	if w.Final {
		title = w.t["ppc_final"]
	}
	d := w.header(title)
	inc := w.Incident
	d.Sections = []Section{
		w.reporter(false),
		{w.t["p_kind"], []Block{{Rows: w.ppcKind()}}},
		{w.t["p_overview"], []Block{
			{Rows: [][2]string{{w.t["occurred"], w.when(inc.OccurredAt)}, {w.t["discovered"], w.when(inc.DiscoveredAt)}}},
			{Text: w.text(inc.Summary)},
			{Label: w.t["background"], Text: w.text(inc.Background)},
		}},
		{w.t["p_items"], []Block{{Rows: [][2]string{{w.t["medium"], w.text(inc.Medium)}, {w.t["items"], w.text(inc.LeakedItems)}}}}},
		{w.t["p_persons"], []Block{{Text: w.persons()}}},
		{w.t["p_cause"], []Block{{Text: w.text(inc.Cause)}, {Label: w.t["caused_by"], Text: w.text(inc.CausedBy)}, {Label: w.t["intent"], Text: w.intent()}}},
		{w.t["p_secondary"], w.secondary()},
		{w.t["p_response"], w.response()},
		{w.t["p_publication"], []Block{{Text: w.text(inc.Publication)}}},
		{w.t["p_prevention"], w.prevention()},
		{w.t["p_other"], []Block{
			{Rows: [][2]string{{w.t["source"], w.t["source_"+string(inc.Source)]}, {w.t["desk"], w.desk()}}},
			{Label: w.t["measures"], Text: w.text(inc.Measures)},
			{Label: w.t["timeline"], Rows: w.timeline()},
		}},
	}
	return d
}

func (w writer) publicNotice() Document {
	d := w.header(w.t["public_title"])
	inc := w.Incident
	published := w.Facts.AsOf // until it is recorded published: the day it is written
	if a, ok := notify.FirstDone(w.Actions, notify.ActionPublished); ok {
		published = a.At
	}
	d.Lines = []string{w.orgName(), w.f("published", w.day(published.In(w.Zone)))}
	d.Sections = []Section{
		{"", []Block{{Text: w.t["public_opening"]}}},
		{w.t["n_what"], []Block{{Text: w.text(inc.Summary)},
			{Rows: [][2]string{{w.t["occurred"], w.when(inc.OccurredAt)}, {w.t["discovered"], w.when(inc.DiscoveredAt)}}}}},
		{w.t["n_data"], []Block{{Text: w.f("public_data", w.text(inc.LeakedItems), w.Facts.Total())}}},
		{w.t["n_cause"], []Block{{Text: w.text(inc.Cause)}}},
		{w.t["n_ask"], []Block{{Text: w.f("public_ask", w.when(inc.SpamSentAt), inc.SpamFrom, inc.SpamSubject)}}},
		{w.t["n_secondary"], []Block{{Text: w.text(inc.SecondaryDamage)}}},
		{w.t["n_response"], []Block{{Text: w.text(inc.Measures)}, {Text: w.text(inc.Response)}}},
		{w.t["n_prevention"], w.prevention()},
		{w.t["n_desk"], []Block{{Text: w.desk()}}},
		{"", []Block{{Text: w.t["public_closing"]}}},
	}
	return d
}

// ppcKind says which report this is and which of the situations of the
// APPI Enforcement Rules, Art. 7, the leak falls under, as far as the
// record tells: (iii) wrongful intent, (iv) more than 1,000 persons. (i)
// sensitive data and (ii) financial damage are for the reporter to judge.
func (w writer) ppcKind() [][2]string {
	stage := w.t["stage_preliminary"]
	if w.Final {
		stage = w.t["stage_final"]
		for _, d := range w.Filings {
			if d.Kind == notify.PPCPreliminary && !d.Filed.IsZero() {
				stage += w.f("preliminary_filed", w.when(d.Filed))
			}
		}
	}
	var kinds []string
	if w.Incident.Intentional {
		kinds = append(kinds, w.t["art7_3"])
	}
	if w.Facts.Total() > 1000 {
		kinds = append(kinds, w.t["art7_4"])
	}
	kinds = append(kinds, w.t["art7_other"])
	return [][2]string{{w.t["stage"], stage}, {w.t["leak_kind"], w.t["leak"]}, {w.t["situation"], strings.Join(kinds, "\n")}}
}

// persons is the count of persons leaked, by category.
func (w writer) persons() string {
	f := w.Facts
	s := w.f("persons", f.Total(), f.Persons[notify.Customer], f.Persons[notify.Supplier], f.Persons[notify.Employee])
	if n := f.Persons[notify.Unclassified]; n > 0 {
		s += w.f("persons_unclassified", n)
	}
	return s + w.f("addresses", f.Addresses)
}

// damage says what the hearings found.
func (w writer) damage() string {
	f := w.Facts
	from := w.t["damage_from_calls"]
	if f.AnsweredPage > 0 { // the confirmation pages are named only when someone answered on one
		from = w.t["damage_from_calls_and_pages"]
	}
	return w.f("damage_text", f.Total(), f.Arrived, f.NotArrived, f.Unheard(), f.Clicked, f.FoundInfected, from)
}

func (w writer) intent() string {
	s := w.text(w.Incident.Intent)
	if w.Incident.Intentional {
		s += "\n" + w.t["intentional_note"]
	}
	return s
}

func (w writer) response() []Block {
	f := w.Facts
	return []Block{
		{Rows: [][2]string{
			{w.t["r_deletion"], w.f("n_persons", f.Sent[notify.Deletion])},
			{w.t["r_apology"], w.f("n_persons", f.Sent[notify.Apology])},
			{w.t["r_none_reached"], w.f("n_persons", f.NoneDelivered)},
			{w.t["r_acknowledged"], w.f("n_persons", f.Acknowledged)},
			{w.t["r_phone"], w.f("phone", f.Called, f.Reached)},
			{w.t["r_visited"], w.f("n_persons", f.Visited)},
			{w.t["r_checked"], w.f("n_persons", f.Checked)},
			{w.t["r_withheld"], w.f("n_persons", f.Withheld)},
		}},
		{Text: w.text(w.Incident.Response)},
	}
}

func (w writer) secondary() []Block {
	f := w.Facts
	return []Block{
		{Rows: [][2]string{
			{w.t["s_clicked"], w.f("n_persons", f.Clicked)},
			{w.t["s_suspected"], w.f("n_persons", f.Infected)},
			{w.t["s_infections"], w.f("n_persons", f.FoundInfected)},
			{w.t["s_remediated"], w.f("n_persons", f.Remediated)},
		}},
		{Text: w.text(w.Incident.SecondaryDamage)},
	}
}

// prevention lists the measures by kind, or the one text when no kind is
// recorded.
func (w writer) prevention() []Block {
	inc := w.Incident
	var rows [][2]string
	for _, p := range []struct{ key, text string }{
		{"organisational", inc.PreventionOrganisational}, {"human", inc.PreventionHuman},
		{"physical", inc.PreventionPhysical}, {"technical", inc.PreventionTechnical},
	} {
		if strings.TrimSpace(p.text) != "" {
			rows = append(rows, [2]string{w.t["prevention_"+p.key], strings.TrimSpace(p.text)})
		}
	}
	if rows == nil {
		return []Block{{Text: w.text(inc.Prevention)}}
	}
	return []Block{{Rows: rows}}
}

// reportTo says to whom the incident is reported: the record's words,
// each report owed to the PPC (filed, or when due), and the publication
// and the report to the Privacy Mark body once they are done.
func (w writer) reportTo() []Block {
	blocks := []Block{{Text: w.text(w.Incident.ReportTo)}}
	var rows [][2]string
	for _, d := range w.Filings {
		state := w.f("due", w.when(d.Due))
		if !d.Filed.IsZero() {
			state = w.f("filed", w.when(d.Filed))
		}
		rows = append(rows, [2]string{w.t["deadline_"+string(d.Kind)], state})
	}
	for _, kind := range []notify.ActionKind{notify.ActionPublished, notify.ActionPrivacyMark} {
		if a, ok := notify.FirstDone(w.Actions, kind); ok {
			rows = append(rows, [2]string{w.t["deadline_"+string(kind)], w.f("done", w.when(a.At))})
		}
	}
	if rows != nil {
		blocks = append(blocks, Block{Rows: rows})
	}
	return blocks
}

// contact is where to turn with questions on the incident
// (本件のお問合せ先): the desk, its address, phone and fax, and the staff
// named with their mobiles. Only the phone is required.
func (w writer) contact() [][2]string {
	o := w.Org
	name := o.Name + "　" + o.Desk.Name
	if w.Lang == "en" {
		name = w.orgName() + ", " + o.Desk.Name
	}
	rows := [][2]string{{w.t["c_desk"], name}}
	for _, r := range [][2]string{{"c_address", cmp.Or(o.DeskAddress, o.Address)}, {"c_phone", o.Desk.Phone},
		{"c_fax", o.DeskFax}, {"c_email", o.Desk.Email}, {"c_hours", o.DeskHours}} {
		if v := strings.TrimSpace(r[1]); v != "" {
			rows = append(rows, [2]string{w.t[r[0]], v})
		}
	}
	for _, s := range o.DeskStaff {
		rows = append(rows, [2]string{w.t["c_staff"], w.f("c_mobile", s.Name, s.Phone)})
	}
	return rows
}

func (w writer) desk() string {
	o := w.Org
	s := o.Name + "　" + o.Desk.Name
	if w.Lang == "en" {
		s = w.orgName() + ", " + o.Desk.Name
	}
	s += "\n" + w.f("tel", o.Desk.Phone)
	if o.DeskHours != "" {
		s += w.f("hours", o.DeskHours)
	}
	if o.Desk.Email != "" {
		s += "\n" + w.f("mail", o.Desk.Email)
	}
	return s
}
