package inbox

import (
	"strings"
	"testing"
)

// What staff read of a reply: the person's words, not the quoted notice,
// however the mail program marks where the quote begins.
func TestExcerptIsWhatThePersonWrote(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"quote marks", "削除しました。\n\n> 山田 太郎 様\n> お詫び", "削除しました。"},
		{"Outlook's rule", "削除しました。\n________________________________\n差出人: さくら印刷\n本文", "削除しました。"},
		{"Outlook's header block", "削除しました。\n\n差出人: さくら印刷 <s@x>\n日付: 2026年12月3日\n本文", "削除しました。"},
		{"Original Message", "Deleted.\n-----Original Message-----\nFrom: x", "Deleted."},
		{"one-line attribution", "削除しました。\n2026年12月3日(木) 10:02 さくら印刷 <s@x>:\n> 本文", "削除しました。"},
		{"wrapped Gmail attribution", "Done.\nOn Thu, Dec 3, 2026 at 2:02 AM Sakura <\ns@x> wrote:\n> text", "Done."},
		{"wrapped Japanese attribution", "消しました。\n2026年12月3日(木) 10:02 さくら印刷 お客様相談窓口 <\ns@x>:\n\n> 本文", "消しました。"},
		{"Becky's two lines", "削除済みです。\nOn Thu, 03 Dec 2026 10:02:00 +0900\nさくら印刷 <s@x> wrote:\n> 本文", "削除済みです。"},
		{"written below the quote", "On Thu, 03 Dec 2026, さくら印刷 wrote:\n> 山田様\n> お詫び\n\n削除しました。\n-- \n中村設計", "削除しました。"},
		{"the signature is left out", "削除しました。\n-- \n中村設計事務所", "削除しました。"},
		{"a line that only mentions From", "From my phone I deleted it.", "From my phone I deleted it."},
		{"nothing but the quote", "> 山田様\n> お詫び", ""},
	} {
		if got := excerpt(strings.NewReader(tt.body)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	long := strings.Repeat("あ", maxExcerpt+50)
	if got := excerpt(strings.NewReader(long)); len([]rune(got)) != maxExcerpt+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("a long reply is cut to %d characters: %q", len([]rune(got)), got)
	}
}
