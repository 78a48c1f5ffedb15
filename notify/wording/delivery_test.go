package wording_test

import (
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

func TestEveryDeliveryProblemIsSaidInEachLanguage(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		for _, p := range notify.Problems {
			if wording.Problem(lang, p) == "" {
				t.Errorf("%s: no words for %s", lang, p)
			}
		}
	}
}

func TestADeliveryProblemIsSaidWithItsCodes(t *testing.T) {
	for _, c := range []struct {
		lang  string
		reply notify.ServerReply
		want  string
	}{
		{"ja", notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1"}, "このアドレスは存在しません（550 5.1.1）"},
		{"ja", notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.2.2"}, "受信者のメールボックスが一杯です（552 5.2.2）"},
		{"ja", notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.7.1", Text: "Message rejected as spam"}, "迷惑メールとして拒否されました（554 5.7.1）"},
		{"en", notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1"}, "The address does not exist (550 5.1.1)"},
		{"ja", notify.ServerReply{Stage: notify.StageData, Text: "EOF"}, "メールサーバーとの接続が切れました（応答なし）"},
	} {
		if got := wording.Delivery(c.lang, c.reply); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.lang, c.reply, got, c.want)
		}
	}
}

// Every task there is to do is said in both languages, with its number.
func TestEveryTaskIsSaidInBothLanguages(t *testing.T) {
	for _, task := range notify.Tasks {
		for _, lang := range []string{"ja", "en"} {
			got := wording.Todo(lang, notify.Todo{Task: task, N: 17, Who: map[bool]string{true: "大塚 浩二（otsuka@example.jp）"}[task == notify.TaskNoAccount]})
			if got == "" || strings.Contains(got, "%!") || (task != notify.TaskDone && !strings.Contains(got, "17")) {
				t.Errorf("%s in %s: %q", task, lang, got)
			}
			if lang == "ja" && got == wording.Todo("en", notify.Todo{Task: task, N: 17, Who: "x"}) {
				t.Errorf("%s: the Japanese is the English", task)
			}
		}
	}
}
