package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

func TestUrgencyFollowsTheLatestHearing(t *testing.T) {
	ctx := context.Background()
	db, u := salesBook(t)
	taro, _, _ := db.ContactByEmail(ctx, "taro@yamada.example")
	urgency := func() map[string]notify.Urgency {
		out := map[string]notify.Urgency{}
		for _, c := range ownedBy(t, db, owner) {
			out[c.Family] = c.Urgency
		}
		return out
	}
	if got := urgency(); got["山田"] != notify.NotReached || got["鈴木"] != notify.NotReached {
		t.Fatalf("before any call: %v", got)
	}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return at.Add(24 * time.Hour) } // the calls were made today
	call := func(h notify.Hearing) {
		at = at.Add(time.Hour)
		if _, err := db.AddCall(ctx, u.ID, notify.Call{ContactID: taro.ID, At: at, Outcome: notify.Reached, Hearing: h}); err != nil {
			t.Fatal(err)
		}
	}
	call(notify.Hearing{Clicked: notify.Yes})
	if got := urgency(); got["山田"] != notify.AtRisk {
		t.Errorf("after 'clicked the link': %v, want at risk", got)
	}
	call(notify.Hearing{Clicked: notify.Yes, Infected: notify.No, Deleted: notify.Yes}) // checked: clean
	call(notify.Hearing{Clicked: notify.No, Infected: notify.No})
	if got := urgency(); got["山田"] != notify.Done {
		t.Errorf("after a later hearing found nothing: %v, want done", got)
	}
	// A notice that failed, with none delivered and nobody spoken to.
	n := 0
	db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@x") })
	claimed, _ := db.Claim(ctx, 10)
	for _, d := range claimed {
		db.Fail(ctx, d.ID, reply("550 no such user"))
	}
	if got := urgency(); got["鈴木"] != notify.NoticeFailed || got["山田"] != notify.Done {
		t.Errorf("after failed notices: %v; want 鈴木 notice failed, 山田 (spoken to) done", got)
	}
}

func TestCallBacksComeUpWhenDue(t *testing.T) {
	ctx := context.Background()
	db, u := salesBook(t)
	taro, _, _ := db.ContactByEmail(ctx, "taro@yamada.example")
	hanako, _, _ := db.ContactByEmail(ctx, "hanako@suzuki.example")
	// The call-back times are against the real clock, which SQL reads.
	now := time.Now()
	db.AddCall(ctx, u.ID, notify.Call{ContactID: taro.ID, At: now.Add(-2 * time.Hour), Outcome: notify.CallBack, CallBackAt: now.Add(-time.Minute)})
	db.AddCall(ctx, u.ID, notify.Call{ContactID: hanako.ID, At: now.Add(-2 * time.Hour), Outcome: notify.CallBack, CallBackAt: now.Add(time.Hour)})
	list := ownedBy(t, db, owner)
	if len(list) != 2 {
		t.Fatalf("list: %+v", list)
	}
	if list[0].Family != "山田" || list[0].Urgency != notify.CallBackDue || list[1].Urgency != notify.NotReached {
		t.Errorf("order: %s %s, %s %s; want 山田 due first", list[0].Family, list[0].Urgency, list[1].Family, list[1].Urgency)
	}
	if l := list[1].Last; l.Outcome != notify.CallBack || l.CallBackAt.Sub(now.Add(time.Hour)).Abs() > time.Millisecond {
		t.Errorf("鈴木's last call: %+v", l)
	}
}

// ownedBy lists the contacts of one owner, most urgent first.
func ownedBy(t *testing.T, db *store.DB, owner string) []notify.ListedContact {
	t.Helper()
	list, _, err := db.Contacts(context.Background(), notify.ContactList{Owner: owner, Order: notify.ByUrgency, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// owner is the salesperson who owns every contact of salesBook.
const owner = "suzuki@sakura-print.example.jp"

// salesBook is a database with 山田 and 鈴木, both owned by the
// salesperson suzuki, who is returned too.
func salesBook(t *testing.T) (*store.DB, notify.User) {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: owner}
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(yamada, suzuki), decide); err != nil {
		t.Fatal(err)
	}
	u, err := db.AddUser(ctx, notify.User{Name: "suzuki", Email: owner, Role: notify.Sales}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	return db, u
}

func TestContactListFiltersByStateAndOrders(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	person := func(family, kana, company string) notify.Record {
		return notify.Record{Family: family, FamilyKana: kana, Company: company, Emails: []string{kana + "@example.jp"}}
	}
	book := []any{person("渡辺", "わたなべ", "乙商事"), person("青木", "あおき", ""), person("加藤", "かとう", "甲運輸"),
		person("佐藤", "さとう", "乙商事"), person("伊藤", "いとう", "丙製作所"), person("上野", "うえの", "甲運輸")}
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: owner}
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(book...), decide); err != nil {
		t.Fatal(err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "suzuki", Email: owner, Role: notify.Sales}, []byte("h"))
	id := func(kana string) int64 {
		c, _, err := db.ContactByEmail(ctx, kana+"@example.jp")
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	now := time.Now()
	db.AddCall(ctx, u.ID, notify.Call{ContactID: id("わたなべ"), At: now, Outcome: notify.Reached, Hearing: notify.Hearing{Clicked: notify.Yes}})
	db.AddCall(ctx, u.ID, notify.Call{ContactID: id("あおき"), At: now, Outcome: notify.Reached, Hearing: notify.Hearing{Arrived: notify.No}})
	db.AddCall(ctx, u.ID, notify.Call{ContactID: id("かとう"), At: now.Add(-time.Hour), Outcome: notify.CallBack, CallBackAt: now.Add(-time.Minute)})
	db.SetDoNotContact(ctx, u.ID, id("さとう"), true, "本人の申し出")
	n := 0
	db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@x") })
	claimed, _ := db.Claim(ctx, 10)
	for _, d := range claimed {
		if d.Email == "いとう@example.jp" {
			db.Fail(ctx, d.ID, reply("550 no such user"))
		} else {
			db.MarkSent(ctx, d.ID)
		}
	}
	names := func(f notify.ContactList) string {
		t.Helper()
		f.Limit = 10
		list, _, err := db.Contacts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Family)
		}
		return strings.Join(out, " ")
	}
	for state, want := range map[notify.Urgency]string{notify.AtRisk: "渡辺", notify.CallBackDue: "加藤",
		notify.NoticeFailed: "伊藤", notify.NotReached: "上野", notify.Done: "青木", notify.Withheld: "佐藤"} {
		if got := names(notify.ContactList{State: &state}); got != want {
			t.Errorf("state %s: %q, want %q", state, got, want)
		}
	}
	for order, want := range map[notify.Order]string{notify.ByNumber: "渡辺 青木 加藤 佐藤 伊藤 上野",
		notify.ByName: "青木 伊藤 上野 加藤 佐藤 渡辺", notify.ByCompany: "伊藤 佐藤 渡辺 上野 加藤 青木",
		notify.ByUrgency: "渡辺 加藤 伊藤 上野 青木 佐藤"} {
		if got := names(notify.ContactList{Order: order}); got != want {
			t.Errorf("order %q: %q, want %q", order, got, want)
		}
	}
	if got := names(notify.ContactList{Query: "乙", Order: notify.ByName}); got != "佐藤 渡辺" {
		t.Errorf("乙 by name: %q", got)
	}
	if _, _, err := db.Contacts(ctx, notify.ContactList{Order: "x", Limit: 1}); notify.ErrorCode(err) != notify.EINVALID {
		t.Errorf("an unknown order: %v", err)
	}
}

func TestReadingsAndCompaniesSortAsPeopleReadThem(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	var book []any
	for i, p := range [][3]string{{"上野", "ウエノ", "有限会社いろは"}, {"青木", "あおき", "株式会社うみ"}, {"井上", "ｲﾉｳｴ", "(株)あさひ"}, {"江藤", "", "あさひ"}} {
		book = append(book, notify.Record{Family: p[0], FamilyKana: p[1], Company: p[2], Emails: []string{fmt.Sprintf("p%d@x.example", i)}})
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(book...), nil); err != nil {
		t.Fatal(err)
	}
	for order, want := range map[notify.Order]string{
		notify.ByName:    "青木 井上 上野 江藤", // あおき いのうえ うえの, then 江藤, who has no reading
		notify.ByCompany: "井上 江藤 上野 青木", // あさひ ×2 (by reading), いろは, うみ
	} {
		list, _, err := db.Contacts(ctx, notify.ContactList{Order: order, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range list {
			got = append(got, c.Family)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %q, want %q", order, strings.Join(got, " "), want)
		}
	}
}

func TestAReferenceCodeFindsItsContact(t *testing.T) {
	ctx := context.Background()
	db, _ := salesBook(t)
	n := 0
	db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@x") })
	notices, _ := db.Notices(ctx, "hanako@suzuki.example")
	ref := notices[0].Ref()
	wide := strings.Map(func(r rune) rune { return r - 'A' + 'Ａ' }, strings.ReplaceAll(ref, "-", "")) // as typed on a Japanese keyboard
	for _, q := range []string{ref, strings.ToLower(ref), strings.ReplaceAll(ref, "-", " "), wide} {
		list, _, err := db.Contacts(ctx, notify.ContactList{Query: q, Limit: 10})
		if err != nil || len(list) != 1 || list[0].Family != "鈴木" {
			t.Errorf("%q finds %+v, %v; want 鈴木", q, list, err)
		}
	}
}
