package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
	"github.com/owabi/owabi/store"
)

// withCaller opens the database beside cfg with a salesperson to log
// calls, and lists its contacts in the book's order.
func withCaller(t *testing.T, cfg string) (*store.DB, notify.User, []int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	caller, err := db.AddUser(ctx, notify.User{Name: "otsuka", Email: "koji_otsuka@sakura-print.example.jp", Role: notify.Sales}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	db.EachContact(ctx, func(c notify.Contact, _ notify.ContactProgress) error { ids = append(ids, c.ID); return nil })
	return db, caller, ids
}

// The seed-like scenario, through the real import, notices, hearings and
// visits: the report states exactly its numbers, and its timeline in order.
func TestTheIncidentReportStatesWhatHappenedToThe243(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)

	ctx := context.Background()
	db, caller, ids := withCaller(t, cfg)
	// Everyone is heard: the spam reached the first 177 and not the other
	// 66; the first 5 it reached get an apology visit, and a check of their
	// computer finds it clean. Nobody is infected.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	today := time.Now().In(tokyo) // as the call form gives it
	for n, id := range ids {
		call := notify.Call{ContactID: id, Outcome: notify.Reached, Hearing: notify.Hearing{Arrived: notify.No, Deleted: notify.No}}
		if n < 177 {
			call.Hearing = notify.Hearing{Arrived: notify.Yes, Opened: notify.No, Clicked: notify.No, Infected: notify.No, Deleted: notify.Yes}
		}
		if n < 5 {
			call.FollowUp, call.FollowUpDone, call.FollowUpResult = notify.ApologyVisit, today, notify.NoInfection
		}
		if _, err := db.AddCall(ctx, caller.ID, call); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	md := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "incident", "--format", "md")
	for _, want := range []string{
		"- **件数**: 243名（顧客 168名、仕入先 35名、従業員 40名）、メールアドレス 258件",
		"不審なメールの受信が確認された方177名、受信していないことが確認された方66名、未確認0名です。リンク又は添付ファイルを開いた方0名、ウイルス感染が確認された方0名です。",
		"- **削除依頼（お詫びを含む）メールの送信**: 243名", "- **電話**: 243名に架電し、うち243名と通話", "- **お詫びの訪問**: 5名",
		"- **感染が確認された方**: 0名", "- **点検で問題がなかった方・駆除済みの方**: 5名",
		// The last section: where to turn with questions.
		"## ■本件のお問合せ先\n\n- **窓口**: さくら印刷株式会社　お客様相談窓口\n- **住所**: 東京都千代田区〇〇町1-2-3\n- **電話**: 03-0000-1234\n- **FAX**: 03-0000-1235",
		"- **担当**: 総務部 桜井 花子（携帯 090-0000-0001）\n- **担当**: 営業部 大塚 浩二（携帯 090-0000-0002）",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// The timeline: its half-days in order, and in them the steps in the order they happened.
	timeline := md[strings.Index(md, "## ■事故等に係る経過"):strings.Index(md, "## ■事故発生元")]
	last := -1
	for _, step := range []string{"2026年11月20日（金）午後", "事故発生", "不審なメールの送信", "事故発覚",
		"漏えいしたアドレス帳から対象者を特定", "削除依頼とお詫びのメールを送信（258通）", "架電（243件）", "電話で状況を聞き取り（243件）", "お詫びの訪問（5名）"} {
		i := strings.Index(timeline, step)
		if i <= last {
			t.Errorf("the timeline lacks %q after the step before, or has it out of order:\n%s", step, timeline)
		}
		last = i
	}
	days := regexp.MustCompile(`\*\*(\d+年\d+月\d+日)`).FindAllStringSubmatch(timeline, -1)
	for n := 1; n < len(days); n++ {
		if days[n][1] < days[n-1][1] && len(days[n][1]) == len(days[n-1][1]) {
			t.Errorf("the timeline's days are out of order: %v", days)
		}
	}

	ppc := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "ppc", "--final", "--format", "md")
	for _, want := range []string{"- **報告の種類**: 確報", "第3号：不正の目的をもって行われたおそれがある個人データの漏えい等",
		"- **報告者・連絡先**: 総務部 個人情報保護管理者", "- **法人番号**: 0000000000000"} {
		if !strings.Contains(ppc, want) {
			t.Errorf("the final PPC report lacks %q", want)
		}
	}
	en := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "ppc", "--lang", "en", "--format", "md")
	if !strings.Contains(en, "243 persons (168 customers, 35 suppliers, 40 employees)") || !strings.Contains(en, "(preliminary)") {
		t.Errorf("the PPC report in English:\n%s", en)
	}
	page := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "public")
	if !strings.Contains(page, "<!doctype html>") || !strings.Contains(page, "（243名分）") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Errorf("the public notice page:\n%s", page)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "report", "--kind", "nonsense"); code != 2 || !strings.Contains(errOut, "use incident, ppc or public") {
		t.Errorf("a report that does not exist: exit %d, %q", code, errOut)
	}
	// As of the afternoon the spam went out, before any notice.
	then := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "incident", "--format", "md", "--as-of", "2026-11-20 12:00")
	for _, want := range []string{"2026年11月20日（金）12時00分現在", "- **削除依頼（お詫びを含む）メールの送信**: 0名", "- **電話**: 0名に架電し、うち0名と通話"} {
		if !strings.Contains(then, want) {
			t.Errorf("the report as of the 20th lacks %q:\n%s", want, then)
		}
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "report", "--kind", "incident", "--as-of", "2999-01-01 00:00"); code != 2 || !strings.Contains(errOut, "has not come yet") {
		t.Errorf("a report as of a time to come: exit %d, %q", code, errOut)
	}
}

// A manager's edit of the incident record reaches the notices the running
// sender writes next, without a restart.
func TestTheSenderTellsTheLatestIncidentRecord(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "apology")
	ctx := context.Background()
	a, err := open(ctx, &globals{config: cfg}, env{getenv: func(string) string { return "" }, stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	w, err := a.worker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	history, _ := a.db.IncidentHistory(ctx)
	inc := history[0].Incident
	inc.Cause = "委託先のサーバーの設定誤りによるものでした。"
	u, _ := a.db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	if err := a.db.SaveIncident(ctx, u.ID, history[0].ID, inc); err != nil {
		t.Fatal(err)
	}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := srv.Messages()[0].Decode()
	if err != nil || !strings.Contains(got.Text, "委託先のサーバーの設定誤り") {
		t.Errorf("the notice does not tell the saved cause (%v):\n%s", err, got.Text)
	}
}

// The replayed incident (issue 15): 243 people, the spam reached 177, 5
// of them opened its link, 13 got an apology visit; the 5 had their PCs
// checked a day later and found clean. Until the checks, the dashboard,
// the calling list, owabi status and /metrics flag those 5; after,
// nobody, while the reports still count 5 who opened the link.
func TestFiveCheckedCleanAreNoLongerFlagged(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)
	owabiWithInput(t, nil, "correct horse battery\n", "--config", cfg, "user", "add", "--role", "manager", "--password-stdin", "kanri")
	ctx := context.Background()
	db, caller, ids := withCaller(t, cfg)
	defer db.Close()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	yesterday, today := time.Now().In(tokyo).AddDate(0, 0, -1), time.Now().In(tokyo)
	for n, id := range ids {
		call := notify.Call{ContactID: id, At: yesterday, Outcome: notify.Reached, Hearing: notify.Hearing{Arrived: notify.No, Deleted: notify.No}}
		switch {
		case n < 5:
			call.Hearing = notify.Hearing{Arrived: notify.Yes, Opened: notify.Yes, Clicked: notify.Yes, Infected: notify.No, Deleted: notify.Yes}
		case n < 177:
			call.Hearing = notify.Hearing{Arrived: notify.Yes, Opened: notify.No, Clicked: notify.No, Infected: notify.No, Deleted: notify.Yes}
		}
		if n < 13 {
			call.FollowUp, call.FollowUpDone, call.FollowUpResult = notify.ApologyVisit, yesterday, notify.FollowedUp
		}
		if _, err := db.AddCall(ctx, caller.ID, call); err != nil {
			t.Fatal(err)
		}
	}
	d := startServe(t, cfg)
	waitFor(t, d.stderr.appears("the web app is serving"), "the web app")
	manager := signInTo(t, d, "kanri", "correct horse battery")
	flagged := func(when string, want int) {
		t.Helper()
		dash, err := manager.get("/dashboard")
		if err != nil {
			t.Fatal(err)
		}
		if line := fmt.Sprintf("感染の恐れがあり、まだ確かめていない方が %d 人います", want); (want > 0) != strings.Contains(dash, line) ||
			(want == 0 && strings.Contains(dash, "感染の恐れがあり")) {
			t.Errorf("%s: the dashboard's next steps, want %d at risk:\n%s", when, want, dash)
		}
		list, err := manager.get("/contacts?state=at_risk")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(list, `data-contact="`); got != want {
			t.Errorf("%s: the list of those at risk shows %d, want %d", when, got, want)
		}
		status := mustOwabi(t, nil, "--config", cfg, "status")
		if line := fmt.Sprintf("%d people may have an infected PC", want); (want > 0) != strings.Contains(status, line) ||
			(want == 0 && strings.Contains(status, "may have an infected PC")) {
			t.Errorf("%s: owabi status, want %d at risk:\n%s", when, want, status)
		}
		metrics, err := manager.get("/metrics")
		if err != nil {
			t.Fatal(err)
		}
		if line := fmt.Sprintf(`owabi_cases{urgency="at_risk"} %d`, want); !strings.Contains(metrics, line) {
			t.Errorf("%s: /metrics lacks %s:\n%s", when, line, metrics)
		}
	}
	flagged("before the checks", 5)
	for _, id := range ids[:5] {
		if _, err := db.AddCall(ctx, caller.ID, notify.Call{ContactID: id, At: today, Outcome: notify.Reached,
			FollowUp: notify.VirusCheck, FollowUpDone: today, FollowUpResult: notify.NoInfection}); err != nil {
			t.Fatal(err)
		}
	}
	flagged("after the checks", 0)
	if page, _ := manager.get("/contacts?state=done"); !strings.Contains(page, "点検で問題なし・駆除済み") {
		t.Errorf("the list does not say why the five are done:\n%s", page)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()

	md := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "incident", "--format", "md")
	for _, want := range []string{
		"- **件数**: 243名（顧客 168名、仕入先 35名、従業員 40名）",
		"不審なメールの受信が確認された方177名、受信していないことが確認された方66名、未確認0名です。リンク又は添付ファイルを開いた方5名、ウイルス感染が確認された方0名です。",
		"- **お詫びの訪問**: 13名", "- **感染が確認された方**: 0名", "- **点検で問題がなかった方・駆除済みの方**: 5名",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// What was done outside owabi is recorded from the command line with
// when it was done, corrected, and told by the report (issue 16).
func TestStepsTakenOutsideOwabiAreInTheReport(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)
	out := mustOwabi(t, nil, "--config", cfg, "action", "add", "--kind", "password_changed", "--at", "2026-11-20 17:00", "--by", "情報システム部")
	if !strings.Contains(out, "Recorded #1: password_changed, done 2026-11-20 17:00 JST") {
		t.Errorf("action add: %s", out)
	}
	mustOwabi(t, nil, "--config", cfg, "action", "add", "--kind", "published", "--at", "2026-11-21 10:00")
	mustOwabi(t, nil, "--config", cfg, "action", "edit", "2", "--at", "2026-11-21 15:30", "--note", "お詫びとお知らせを掲載")
	for _, bad := range []struct{ args []string }{
		{[]string{"--kind", "published", "--at", time.Now().Add(48 * time.Hour).Format("2006-01-02 15:04")}},
		{[]string{"--kind", "published", "--at", "2026-11-19 09:00"}},
		{[]string{"--kind", "nonsense"}},
		{[]string{"--kind", "other"}},
	} {
		if code, _, errOut := owabi(t, nil, append([]string{"--config", cfg, "action", "add"}, bad.args...)...); code != exitFailure || errOut == "" {
			t.Errorf("action add %v: exit %d, %q", bad.args, code, errOut)
		}
	}
	list := mustOwabi(t, nil, "--config", cfg, "action", "list")
	if !strings.Contains(list, "#2 2026-11-21 15:30 JST published · お詫びとお知らせを掲載 (recorded") || strings.Count(list, "\n#") != 1 {
		t.Errorf("action list:\n%s", list)
	}
	md := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "incident", "--format", "md")
	timeline := md[strings.Index(md, "## ■事故等に係る経過"):strings.Index(md, "## ■事故発生元")]
	for _, want := range []string{"- **2026年11月20日（金）午後**", "事故発覚（16時10分）", "当該アカウントのパスワードを変更（情報システム部）（17時00分）",
		"- **2026年11月21日（土）午後**: 当社ウェブサイトにて公表：お詫びとお知らせを掲載（15時30分）"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, timeline)
		}
	}
	if !strings.Contains(md, "- **当社ウェブサイトでの公表**: 実施済み（2026年11月21日（土）15時30分）") {
		t.Errorf("the report does not say it was published:\n%s", md)
	}
	page := mustOwabi(t, nil, "--config", cfg, "report", "--kind", "public", "--format", "md")
	if !strings.Contains(page, "2026年11月21日（土）") {
		t.Errorf("the public notice is not dated the day it was published:\n%s", page)
	}
}
