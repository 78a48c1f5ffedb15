package store_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/report"
	"github.com/owabi/owabi/notify/wording"
	"github.com/owabi/owabi/store"
	"github.com/owabi/owabi/templates"
)

// A real incident's response replayed (issue 16): the spam went out on the
// 22nd at 05:30; that morning the password was changed, the book deleted
// and the manager told; deletion requests and calls in the afternoon; the
// persons listed on the 23rd; the apology on the 24th between two rounds
// of calls; hearings and virus work on the 25th and 26th; the notice
// published and the Privacy Mark body told on the 26th. The report,
// written at 17:00 that day, tells each on the day it happened, in order.
func TestTheTimelineTellsEachDayWhatWasDoneThen(t *testing.T) {
	ctx := context.Background()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	jst := func(day, hour, minute int) time.Time { return time.Date(2012, 12, day, hour, minute, 0, 0, tokyo) }
	db := MustOpenDB(t)
	db.Zone = tokyo
	now := jst(22, 7, 0)
	db.Now = func() time.Time { return now }
	if _, err := db.SeedIncident(ctx, notify.Incident{SpamSentAt: jst(22, 5, 30), DiscoveredAt: jst(22, 6, 50),
		SpamFrom: "sales@example.jp", SpamSubject: "請求書"}); err != nil {
		t.Fatal(err)
	}
	kanri := notify.WithActor(ctx, "kanri") // as the web app records what a manager does
	caller, _ := db.AddUser(ctx, notify.User{Name: "eigyo", Role: notify.Sales, Email: "eigyo@example.jp"}, []byte("h"))
	act := func(kind notify.ActionKind, at time.Time, note string) {
		t.Helper()
		if _, err := db.AddAction(kanri, notify.Action{Kind: kind, At: at, Note: note}); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	send := func(kind notify.NoticeKind, at time.Time) {
		t.Helper()
		now = at
		n := 0
		if _, err := db.Queue(ctx, kind, "ja", func() string { n++; return fmt.Sprintf("<%s%d@x>", kind, n) }); err != nil {
			t.Fatal(err)
		}
		claimed, err := db.Claim(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range claimed {
			if err := db.MarkSent(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	call := func(id int64, at time.Time, h notify.Hearing) {
		t.Helper()
		if _, err := db.AddCall(ctx, caller.ID, notify.Call{ContactID: id, At: at, Outcome: notify.Reached, Hearing: h}); err != nil {
			t.Fatalf("a call at %s: %v", at, err)
		}
	}

	// The 22nd, typed in at noon: what was done that morning.
	now = jst(22, 12, 0)
	if _, err := db.AddAction(kanri, notify.Action{Kind: notify.ActionPasswordChanged, At: jst(22, 7, 40), By: "情報システム部"}); err != nil {
		t.Fatal(err)
	}
	act(notify.ActionBookDeleted, jst(22, 7, 55), "")
	act(notify.ActionManagerInformed, jst(22, 9, 0), "総務部長へ")
	var people []any
	for i := range 6 {
		people = append(people, notify.Record{Family: fmt.Sprint("姓", i), Emails: []string{fmt.Sprintf("p%d@c.example", i)}})
	}
	imported, err := db.Import(ctx, notify.ImportReport{File: "book.csv"}, records(people...), func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	})
	if err != nil {
		t.Fatal(err)
	}
	send(notify.Deletion, jst(22, 13, 0))
	now = jst(22, 17, 0) // the afternoon's calls, logged as they happened
	call(1, jst(22, 14, 0), notify.Hearing{})
	call(2, jst(22, 15, 0), notify.Hearing{})
	// The persons were listed, checked against the book, on the 23rd: the
	// manager dates the import so.
	now = jst(23, 11, 0)
	if err := db.DateImport(ctx, imported.ID, jst(23, 10, 0)); err != nil {
		t.Fatal(err)
	}
	if err := db.DateImport(ctx, imported.ID, jst(23, 12, 0)); notify.ErrorReason(err) != string(notify.TimeInFuture) {
		t.Errorf("an import dated in the future: %v", err)
	}
	// The 24th: a round of calls, the apology, another round, typed in
	// on the 25th morning (back to yesterday).
	now = jst(24, 10, 0)
	call(3, jst(24, 9, 0), notify.Hearing{})
	send(notify.Apology, jst(24, 10, 30))
	now = jst(25, 9, 0)
	call(4, jst(24, 15, 0), notify.Hearing{})
	// The 25th and 26th: hearings and virus work.
	now = jst(25, 18, 0)
	call(5, jst(25, 14, 0), notify.Hearing{Arrived: notify.Yes, Clicked: notify.Yes})
	now = jst(26, 12, 0)
	if _, err := db.AddCall(ctx, caller.ID, notify.Call{ContactID: 5, At: jst(26, 11, 0), Outcome: notify.Reached,
		FollowUp: notify.VirusRemoval, FollowUpDone: time.Date(2012, 12, 25, 0, 0, 0, 0, time.UTC), FollowUpResult: notify.NoInfection}); err != nil {
		t.Fatal(err)
	}
	// As of eight on the 25th in Tokyo (still the 24th in UTC), the day's
	// virus removal counts as done: its day had begun where the
	// organisation is.
	early, err := db.Timeline(ctx, jst(25, 8, 0))
	if err != nil || !slices.ContainsFunc(early, func(s notify.Step) bool { return s.What == "follow_up_"+string(notify.VirusRemoval) }) {
		t.Errorf("the timeline as of the 25th at 08:00 lacks the day's virus removal: %+v, %v", early, err)
	}
	// The 26th: published, and the examining body told.
	now = jst(26, 16, 30)
	act(notify.ActionPublished, jst(26, 15, 0), "")
	act(notify.ActionPrivacyMark, jst(26, 16, 0), "速報")
	now = jst(26, 17, 0)

	var md bytes.Buffer
	if _, err := report.Produce(ctx, db, report.Input{Kind: report.IncidentReport, Zone: tokyo}, report.Markdown, templates.FS, &md); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	timeline := out[strings.Index(out, "## ■事故等に係る経過"):strings.Index(out, "## ■事故発生元")]
	last := -1
	for _, step := range []string{
		"2012年12月22日（土）午前", "不審なメールの送信（05時30分）", "事故発覚（06時50分）", "当該アカウントのパスワードを変更（情報システム部）（07時40分）",
		"当該アカウントのアドレス帳を削除（07時55分）", "個人情報保護管理者へ報告：総務部長へ（09時00分）",
		"2012年12月22日（土）午後", "削除依頼とお詫びのメールを送信（6通）", "架電（2件）",
		"2012年12月23日（日）午前", "漏えいしたアドレス帳から対象者を特定し、一覧を作成",
		"2012年12月24日（月）午前", "架電（1件）", "経緯の報告とお詫びのメールを送信（6通）",
		"2012年12月24日（月）午後", "架電（1件）",
		"2012年12月25日（火）午後", "架電（1件）", "電話で状況を聞き取り（1件）",
		"2012年12月25日（火）", "ウイルスの駆除（1名）",
		"2012年12月26日（水）午前", "架電（1件）",
		"2012年12月26日（水）午後", "当社ウェブサイトにて公表（15時00分）", "プライバシーマーク審査機関へ事故を報告：速報（16時00分）",
	} {
		i := strings.Index(timeline[last+1:], step)
		if i < 0 {
			t.Fatalf("the timeline lacks %q after the step before:\n%s", step, timeline)
		}
		last += 1 + i
	}
	for _, want := range []string{"2012年12月26日（水）17時00分現在", "- **当社ウェブサイトでの公表**: 実施済み（2012年12月26日（水）15時00分）",
		"- **プライバシーマーク審査機関への報告**: 実施済み（2012年12月26日（水）16時00分）"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// The same in the Japanese era calendar, as the real report gave it.
	md.Reset()
	if _, err := report.Produce(ctx, db, report.Input{Kind: report.IncidentReport, Zone: tokyo, Org: notify.Organisation{EraDates: true}},
		report.Markdown, templates.FS, &md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"平成24年12月26日（水）17時00分現在", "- **平成24年12月22日（土）午前**", "実施済み（平成24年12月26日（水）15時00分）"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report in the era calendar lacks %q:\n%s", want, md.String())
		}
	}

	// The 27th: a notice of the 22nd bounces, a person answers on their
	// page, a hearing finds the spam opened, and the PPC gets its report.
	now = jst(27, 10, 0)
	if _, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "<dsn@mx>", FromMailSystem: true,
		Bounces: []notify.Bounce{{Recipient: "p0@c.example", Action: "failed", Status: "5.1.1", OriginalMessageID: "<deletion1@x>"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAck(ctx, notify.Ack{ContactID: 2, Channel: notify.AckLink, At: jst(27, 10, 0), Report: notify.DeletedSpam}); err != nil {
		t.Fatal(err)
	}
	call(6, jst(27, 9, 30), notify.Hearing{Arrived: notify.Yes, Opened: notify.Yes, Clicked: notify.Yes})
	act(notify.ActionKind(notify.PPCPreliminary), jst(27, 9, 45), "")
	later, err := db.Facts(ctx, time.Time{})
	if err != nil || later.Acknowledged == 0 || later.Clicked != 2 {
		t.Fatalf("the facts on the 27th: %+v, %v", later, err)
	}
	// Written on the 27th as of the 26th at 17:00, the report is the one
	// written then, to the byte.
	md.Reset()
	if _, err := report.Produce(ctx, db, report.Input{Kind: report.IncidentReport, Zone: tokyo, AsOf: jst(26, 17, 0)}, report.Markdown, templates.FS, &md); err != nil {
		t.Fatal(err)
	}
	if md.String() != out {
		t.Errorf("the report as of the 26th, written on the 27th:\n%s\nwant, as written on the 26th:\n%s", md.String(), out)
	}
	md.Reset()
	if _, err := report.Produce(ctx, db, report.Input{Kind: report.IncidentReport, Zone: tokyo}, report.Markdown, templates.FS, &md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2012年12月27日（木）10時00分現在", "2012年12月27日（木）午前", "個人情報保護委員会へ速報を提出（09時45分）"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report on the 27th lacks %q:\n%s", want, md.String())
		}
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

// What a manager records must have happened during the incident, and each
// change of when is in the audit trail with what it said before; a
// salesperson dates a call back to yesterday at most.
func TestActionsAndCallsAreDatedWithinTheIncident(t *testing.T) {
	ctx := context.Background()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	jst := func(day, hour, minute int) time.Time { return time.Date(2012, 12, day, hour, minute, 0, 0, tokyo) }
	db, caller := salesBook(t)
	db.Zone = tokyo
	db.Now = func() time.Time { return jst(26, 17, 0) }
	if _, err := db.SeedIncident(ctx, notify.Incident{SpamSentAt: jst(22, 5, 30), DiscoveredAt: jst(22, 6, 50),
		SpamFrom: "sales@example.jp", SpamSubject: "請求書"}); err != nil {
		t.Fatal(err)
	}
	manager, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	kanri := notify.WithActor(ctx, "kanri") // as the web app records what a manager does
	for _, tt := range []struct {
		a    notify.Action
		want string
	}{
		{notify.Action{Kind: notify.ActionPolice, At: jst(27, 9, 0)}, string(notify.TimeInFuture)},
		{notify.Action{Kind: notify.ActionPolice, At: jst(21, 9, 0)}, string(notify.TimeBeforeIncident)},
		{notify.Action{Kind: notify.ActionOther, At: jst(23, 9, 0)}, "action_note_missing"},
		{notify.Action{Kind: "nonsense", At: jst(23, 9, 0)}, "action_kind_unknown"},
	} {
		if _, err := db.AddAction(kanri, tt.a); notify.ErrorReason(err) != tt.want {
			t.Errorf("%+v: %v, want %s", tt.a, err, tt.want)
		}
	}
	id, err := db.AddAction(kanri, notify.Action{Kind: notify.ActionKind(notify.PPCPreliminary), At: jst(24, 9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EditAction(kanri, notify.Action{ID: id, At: jst(23, 18, 0), By: "総務部"}); err != nil {
		t.Fatal(err)
	}
	filed, err := db.Filed(ctx, notify.Deadlines(jst(22, 6, 50), true, false))
	if err != nil || !filed[0].Filed.Equal(jst(23, 18, 0)) || filed[0].By != "kanri" || !filed[1].Filed.IsZero() {
		t.Errorf("the reports filed: %+v, %v", filed, err)
	}
	trail, _ := db.AuditTrail(ctx, notify.AuditFilter{Kind: "action", Limit: 5})
	// Both times, in the reader's zone and language.
	if len(trail) != 2 || wording.Audit("ja", tokyo, trail[0]) != "対応 1：個人情報保護委員会へ速報を提出 の日時を 2012-12-24 09:00 から 2012-12-23 18:00 に直しました" ||
		wording.Audit("en", time.UTC, trail[0]) != "action 1: Preliminary report filed with the PPC, done 2012-12-23 09:00, not 2012-12-24 00:00" {
		t.Errorf("the audit trail: %+v", trail)
	}

	taro, _, _ := db.ContactByEmail(ctx, "taro@yamada.example")
	if _, err := db.AddCall(ctx, caller.ID, notify.Call{ContactID: taro.ID, At: jst(24, 23, 0), Outcome: notify.NoAnswer}); notify.ErrorReason(err) != string(notify.TimeTooLongAgo) {
		t.Errorf("a call the day before yesterday, by a salesperson: %v", err)
	}
	if _, err := db.AddCall(ctx, caller.ID, notify.Call{ContactID: taro.ID, At: jst(25, 9, 0), Outcome: notify.NoAnswer}); err != nil {
		t.Errorf("a call yesterday: %v", err)
	}
	if _, err := db.AddCall(ctx, manager.ID, notify.Call{ContactID: taro.ID, At: jst(23, 9, 0), Outcome: notify.NoAnswer}); err != nil {
		t.Errorf("a call three days ago, recorded by a manager: %v", err)
	}
	calls, _ := db.Calls(ctx, taro.ID)
	if len(calls) != 2 || !calls[0].At.Equal(jst(25, 9, 0)) || !calls[0].RecordedAt.Equal(jst(26, 17, 0)) {
		t.Errorf("the calls, when they took place and when recorded: %+v", calls)
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}
