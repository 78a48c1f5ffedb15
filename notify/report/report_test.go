package report

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

func TestTheTimelineGroupsByHalfDayInTheZone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	in := Input{Kind: IncidentReport, Lang: "ja", Zone: tokyo, Steps: []notify.Step{
		{At: utc("2026-11-20T14:59:00Z"), What: "call", N: 2}, // 23:59 in Tokyo: the 20th's afternoon
		{At: utc("2026-11-20T15:00:00Z"), What: "call", N: 3}, // midnight: the 21st's morning
		{At: utc("2026-11-21T02:00:00Z"), What: "ack", N: 1},
		{At: utc("2026-11-21T01:00:00Z"), What: "sent_deletion", N: 10}, // earlier in the same morning: listed first
		{At: utc("2026-11-21T00:00:00Z"), What: "follow_up_apology_visit", N: 4, DateOnly: true},
		{At: utc("2026-11-21T02:30:00Z"), What: "something_new", N: 7},
		// Calls, the apology between two rounds of them, more calls; the
		// hearings and acknowledgements between the calls are counted
		// with them.
		{At: utc("2026-11-22T04:00:00Z"), What: "call", N: 2},
		{At: utc("2026-11-22T04:01:00Z"), What: "heard", N: 1},
		{At: utc("2026-11-22T04:05:00Z"), What: "ack", N: 1},
		{At: utc("2026-11-22T04:10:00Z"), What: "call", N: 3},
		{At: utc("2026-11-22T04:11:00Z"), What: "heard", N: 2},
		{At: utc("2026-11-22T07:00:00Z"), What: "call", N: 4},
		{At: utc("2026-11-22T05:30:00Z"), What: "sent_apology", N: 240},
		{At: utc("2026-11-22T05:31:00Z"), What: "sent_apology", N: 3},
	}}
	in.Incident.DiscoveredAt = utc("2026-11-20T07:10:00Z")
	w := writer{Input: in, t: wording.Part("ja", "report.")}
	got := w.timeline()
	want := [][2]string{
		{"2026年11月20日（金）午後", "事故発覚（16時10分）\n架電（2件）"},
		{"2026年11月21日（土）午前", "架電（3件）\n対象者へ不審なメールの削除依頼とお詫びのメールを送信（10通）\n返信・確認ページで通知の受領を確認（1名）\nsomething_new（7件）"},
		{"2026年11月21日（土）", "お詫びの訪問（4名）"},
		{"2026年11月22日（日）午後", "架電（5件）\n電話で状況を聞き取り（3件）\n返信・確認ページで通知の受領を確認（1名）\n対象者へ経緯の報告とお詫びのメールを送信（243通）\n架電（4件）"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %q\nwant %q", got, want)
	}
}

func TestAnItemNotRecordedSaysSoAndEnglishFallsBackToJapanese(t *testing.T) {
	in := Input{Kind: PPC, Lang: "en", Final: true, Incident: notify.Incident{
		IncidentText: notify.IncidentText{Cause: "パスワードの使い回し", Summary: "不正ログイン"},
		En:           notify.IncidentText{Summary: "An unauthorised login"},
	}}
	doc, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	md := markdown(doc)
	for _, want := range []string{"(final)", "An unauthorised login", "## 4. Cause\n\nパスワードの使い回し", "## 7. Publication\n\n(not recorded)"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if _, err := Build(Input{Kind: "nonsense"}); notify.ErrorCode(err) != notify.EINVALID {
		t.Errorf("a report that does not exist: %v", err)
	}
}

// The report says where its numbers come from: the confirmation pages
// only when someone answered on one. A manager's account of the intent
// ("carelessness") and the note that the leak is treated as wrongful
// access read as one explanation, not a contradiction.
func TestTheDamageAndTheIntentSayWhatWasRecorded(t *testing.T) {
	for _, tt := range []struct {
		answered int
		want     string
		not      string
	}{
		{0, "電話による聞き取りの結果、", "確認ページ"},
		{2, "電話による聞き取りと確認ページへのご回答の結果、", ""},
	} {
		f := notify.Facts{Persons: map[notify.Category]int{notify.Customer: 3}, Sent: map[notify.NoticeKind]int{}}
		f.AnsweredPage = tt.answered
		doc, err := Build(Input{Kind: IncidentReport, Lang: "ja", Facts: f,
			Incident: notify.Incident{Intentional: true, IncidentText: notify.IncidentText{Intent: "社員の不注意（パスワードの使い回し）"}}})
		if err != nil {
			t.Fatal(err)
		}
		md := markdown(doc)
		damage := ""
		for _, line := range strings.Split(md, "\n") {
			if strings.Contains(line, "名分の個人情報が漏えいしました") {
				damage = line
			}
		}
		if !strings.Contains(damage, tt.want) || (tt.not != "" && strings.Contains(damage, tt.not)) {
			t.Errorf("with %d answers on the pages, the damage lacks %q or says %q: %s", tt.answered, tt.want, tt.not, damage)
		}
		typed, note := strings.Index(md, "社員の不注意（パスワードの使い回し）"), strings.Index(md, "社内の事情（上記）にかかわらず、第三者が不正アクセスにより")
		if typed < 0 || note < typed {
			t.Errorf("the intent and the note that explains it:\n%s", md)
		}
	}
}
