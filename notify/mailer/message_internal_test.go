package mailer

import (
	"bufio"
	"bytes"
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

// DATA carries a line that starts with a dot with one more, ends with a
// dot of its own, and gets a last line end if the mail has none.
func TestWriteDataStuffsDots(t *testing.T) {
	for in, want := range map[string]string{
		".a\r\n..b\r\n.\r\nd":      "..a\r\n...b\r\n..\r\nd\r\n.\r\n",
		"Subject: x\r\n\r\nok\r\n": "Subject: x\r\n\r\nok\r\n.\r\n",
		"a.\r\n.":                  "a.\r\n..\r\n.\r\n",
	} {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		if err := writeData(w, []byte(in)); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("writeData(%q) = %q, want %q", in, b.String(), want)
		}
	}
}

// encoded writes words that decode to the text, each within its line,
// and survives bytes that are not UTF-8.
func TestEncodedWords(t *testing.T) {
	dec := new(mime.WordDecoder)
	for _, in := range []string{
		"Plain ASCII stays as it is",
		"【お詫びとお願い】弊社社員のアドレスから送信された不審なメールの削除について（さくら印刷株式会社）",
		"絵文字🙇‍♂️と漢字",
		"\xe3" + strings.Repeat("\x81", 50) + "壊れた", // not UTF-8
	} {
		out := encoded(in)
		for _, w := range strings.Fields(out) {
			if strings.HasPrefix(w, "=?") && len("Subject: "+w) > 76 {
				t.Errorf("encoded(%q): a word of %d characters", in, len(w))
			}
		}
		got, err := dec.DecodeHeader(out)
		if err != nil {
			t.Fatalf("encoded(%q) = %q: %v", in, out, err)
		}
		if want := strings.ToValidUTF8(in, "\uFFFD"); got != want || !utf8.ValidString(got) {
			t.Errorf("encoded(%q) decodes to %q", in, got)
		}
	}
}
