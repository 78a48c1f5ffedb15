package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/templates"
)

// No page of the Japanese app shows English from the program: every page
// a manager and a salesperson open in a response under way, with books of
// every kind imported (their notes put into Japanese), notices sent and
// failed, calls with hearings, a mail to check, actions and the audit
// trail of it all. Names of products and standards may stay as they are
// written (allowed), and so may what people typed or a server said.
func TestNoJapanesePageShowsEnglishFromTheProgram(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.withImportDeciding(func(r notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: notify.Written("顧客"), OwnerEmail: "suzuki@sakura-print.example.jp"}
	})
	now := time.Now()
	if _, err := a.db.SeedIncident(ctx, notify.Incident{OccurredAt: now.Add(-50 * time.Hour), DiscoveredAt: now.Add(-48 * time.Hour),
		SpamSentAt: now.Add(-49 * time.Hour), SpamFrom: "営業部 <eigyo@sakura-print.example.jp>", SpamSubject: "請求書の送付"}); err != nil {
		t.Fatal(err)
	}
	comp, err := mailer.NewComposer(notify.Organisation{Name: "さくら印刷株式会社", Desk: notify.Staff{Name: "お客様相談窓口", Phone: "03-0000-1234"}},
		notify.Incident{GDPR: true, IncidentText: notify.IncidentText{Summary: "不正ログイン"}}, time.UTC, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	a.web.TemplateCheck = func(context.Context) ([]notify.TemplateCheck, error) { return comp.CheckTemplates() }
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, page := get(t, manager, a.URL+"/import")
	token := csrfField.FindStringSubmatch(page)[1]
	books, _ := filepath.Glob("../../testdata/books/*.*")
	for _, b := range books {
		if strings.HasSuffix(b, ".md") {
			continue
		}
		data, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		upload(t, manager, a.URL+"/import", token, filepath.Base(b), data)
	}
	upload(t, manager, a.URL+"/import", token, "notes.txt", []byte("not an address book"))
	contacts, _, err := a.db.Contacts(ctx, notify.ContactList{Limit: 1000})
	if err != nil || len(contacts) < 6 {
		t.Fatalf("%d contacts imported, %v", len(contacts), err)
	}
	typedIn := map[string]bool{} // what the books hold: the people's own words
	for _, c := range contacts {
		for _, f := range []string{c.Family, c.Given, c.Company, c.Department, c.Title, c.Notes} {
			for _, w := range latin.FindAllString(f, -1) {
				typedIn[w] = true
			}
		}
	}

	// Notices: one delivered, one failed, one to try again.
	n := 0
	a.db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint("m", n, "@x") })
	claimed, _ := a.db.Claim(ctx, 3)
	a.db.MarkSent(ctx, claimed[0].ID)
	a.db.Fail(ctx, claimed[1].ID, notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1", Text: "メールボックスがありません"})
	a.db.Retry(ctx, claimed[2].ID, now.Add(time.Hour), notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "しばらくお待ちください"})
	// The person answers on the page their notice links to.
	token, hash := NewAckToken()
	if err := a.db.NewAckToken(ctx, claimed[0].ID, hash, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	person := a.client(t)
	_, _, body := get(t, person, a.URL+"/ack/"+token)
	if code, _, _ := post(t, person, a.URL+"/ack/"+token, url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "report": {"deleted"}}); code != http.StatusOK {
		t.Fatalf("the person's answer on their page: %d", code)
	}
	// A reply that may be forged, for staff to decide on.
	if _, err := a.db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "r1@x", From: claimed[0].Email,
		InReplyTo: claimed[0].MessageID, Excerpt: "削除しました", SenderFailed: true}}); err != nil {
		t.Fatal(err)
	}

	// A salesperson's call with a hearing and a follow-up, one asked to
	// call back, and a manager's action and reclassification.
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	contactPage := fmt.Sprintf("%s/contacts/%d", a.URL, contacts[0].ID)
	_, _, body = get(t, sales, contactPage)
	post(t, sales, contactPage+"/calls", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "once": {onceField.FindStringSubmatch(body)[1]},
		"outcome": {"reached"}, "arrived": {"yes"}, "opened": {"yes"}, "clicked": {"yes"}, "infected": {""}, "deleted": {"no"},
		"follow_up": {"virus_check"}, "follow_up_on": {now.Format(time.DateOnly)}, "note": {"PCを確認してもらう"}})
	other := fmt.Sprintf("%s/contacts/%d", a.URL, contacts[1].ID)
	_, _, body = get(t, sales, other)
	post(t, sales, other+"/calls", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "once": {onceField.FindStringSubmatch(body)[1]},
		"outcome": {"call_back"}, "call_back_at": {now.Add(-time.Minute).In(a.web.Zone).Format(inputTimeLayout)}})
	a.db.Reclassify(ctx, contacts[2].ID, 1, notify.Supplier, "取引先でした")
	a.db.SetDoNotContact(ctx, 1, contacts[3].ID, true, "本人の申し出")
	// The record changed since, its English text too: the history names
	// the items.
	if _, err := a.db.SeedIncident(ctx, notify.Incident{OccurredAt: now.Add(-50 * time.Hour), DiscoveredAt: now.Add(-48 * time.Hour),
		SpamSentAt: now.Add(-49 * time.Hour), SpamFrom: "営業部 <eigyo@sakura-print.example.jp>", SpamSubject: "請求書の送付",
		IncidentText: notify.IncidentText{Cause: "パスワードの使い回し"}, En: notify.IncidentText{Cause: "A reused password"}}); err != nil {
		t.Fatal(err)
	}
	typedIn["reused"], typedIn["password"] = true, true
	if _, err := a.db.AddAction(ctx, notify.Action{Kind: notify.ActionPasswordChanged, At: now.Add(-47 * time.Hour), By: "情報システム部"}); err != nil {
		t.Fatal(err)
	}

	pages := []string{"/dashboard", "/contacts", "/contacts?category=unclassified", "/import", "/audit",
		"/actions", "/incident", "/templates", "/purge", "/nonexistent"}
	imported, err := a.db.Imports(ctx)
	if err != nil || len(imported) < 5 {
		t.Fatalf("%d imports, %v", len(imported), err)
	}
	for _, im := range imported {
		pages = append(pages, fmt.Sprintf("/imports/%d", im.ID)) // what each book's import said of its entries
	}
	for _, c := range contacts[:6] {
		pages = append(pages, fmt.Sprintf("/contacts/%d", c.ID))
	}
	for _, p := range pages {
		code, _, body := get(t, manager, a.URL+p)
		if code != http.StatusOK && p != "/nonexistent" {
			t.Errorf("%s: %d", p, code)
		}
		if words := englishIn(body, typedIn); len(words) > 0 {
			t.Errorf("%s shows English: %q", p, words)
		}
	}
	for _, p := range []string{"/contacts/mine", contactPage[len(a.URL):]} {
		code, _, body := get(t, sales, a.URL+p)
		if code != http.StatusOK {
			t.Errorf("%s (salesperson): %d", p, code)
		}
		if words := englishIn(body, typedIn); len(words) > 0 {
			t.Errorf("%s (salesperson) shows English: %q", p, words)
		}
	}
	_, _, body = get(t, manager, a.URL+"/incident")
	if !strings.Contains(body, "原因、英語：原因") {
		t.Errorf("the record's history does not name the items changed:\n%s", body)
	}
	for _, kind := range []string{"incident", "ppc", "public"} {
		code, _, report := post(t, manager, a.URL+"/reports/"+kind, url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "lang": {"ja"}, "format": {"html"}, "final": {"1"}})
		if code != http.StatusOK {
			t.Errorf("the %s report: %d", kind, code)
		}
		if words := englishIn(report, typedIn); len(words) > 0 {
			t.Errorf("the %s report shows English: %q", kind, words)
		}
	}
}

// allowed are the words a Japanese page writes in the Latin alphabet:
// names of products, standards and formats, and what the test itself
// typed (the staff's user names) or asks to be typed (the word that
// confirms a purge).
var allowed = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`owabi Google Outlook Thunderbird Exchange vCard CSV Excel UTF BOM Shift_JIS CP932 UTF-16 Windows Shift JIS
		GDPR DMARC DKIM SPF Markdown HTML PDF PPC URL MB MiB KiB Message-ID ID IMAP SMTP BEGIN VCARD END QUOTED-PRINTABLE
		quoted-printable base64 punycode xn SMTPUTF8 PC English Japanese MST JST UTC Asia Tokyo
		kanri suzuki ` + notify.PurgeWord) {
		allowed[strings.ToLower(w)] = true
	}
}

var (
	// invisible are the parts of a page nobody reads: scripts, styles,
	// tags (their attributes but those read out below).
	invisible = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<!--.*?-->`)
	readOut   = regexp.MustCompile(`\s(?:placeholder|title|aria-label|alt)="([^"]*)"|<(?:input|button)[^>]*\svalue="([^"]*)"[^>]*type="(?:submit|button)"`)
	tag       = regexp.MustCompile(`<[^>]*>`)
	// typed are addresses, links, file names, reference codes and
	// commands: not words.
	typed = regexp.MustCompile(`\S+@\S+|https?://\S+|\b[A-Z]-[A-Z0-9]{4}-[A-Z0-9]{4}\b|[\w./-]+\.(?:csv|vcf|txt|eml|db|toml|tmpl)\b|\b\w*\d\w*\b|owabi [a-z]+(?: --?[\w-]+(?: [a-z]+\b)?)*`)
	latin = regexp.MustCompile(`[A-Za-z][A-Za-z'-]*[A-Za-z]`)
)

// englishIn are the English words a page shows, but those typedIn.
func englishIn(page string, typedIn map[string]bool) []string {
	page = invisible.ReplaceAllString(page, " ")
	var text []string
	for _, m := range readOut.FindAllStringSubmatch(page, -1) {
		text = append(text, m[1], m[2])
	}
	text = append(text, tag.ReplaceAllString(page, " "))
	var words []string
	for _, s := range text {
		s = typed.ReplaceAllString(html.UnescapeString(s), " ")
		for _, w := range latin.FindAllString(s, -1) {
			if !allowed[strings.ToLower(w)] && !typedIn[w] && !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	return words
}
