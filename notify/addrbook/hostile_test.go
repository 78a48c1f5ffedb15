package addrbook_test

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify/addrbook"
)

// Hostile input is refused entry by entry; the entries around it still read.

func TestMultiMegabyteFieldIsRejectedAlone(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	data := "First Name,Last Name,Notes,E-mail 1 - Value\n" +
		"太郎,山田,,taro@example.jp\n" +
		"花子,佐藤,\"" + huge + "\",hanako@example.jp\n" +
		"一郎,鈴木,,ichiro@example.jp\n"
	_, _, recs, bad := openBook(t, []byte(data), "", nil)
	if len(recs) != 2 || len(bad) != 1 || english(bad[0].Reason) != `the "Notes" field is longer than 65,536 bytes` || bad[0].Line != 3 {
		t.Errorf("got %d records, rejected %+v", len(recs), bad)
	}
}

func TestLongLinesBeyondScannerLimits(t *testing.T) {
	// 20 fields of 4,000 bytes: one 80 KB line, past bufio.Scanner's 64 KiB.
	var header, row []string
	for i := range 20 {
		header = append(header, "Custom "+string(rune('A'+i)))
		row = append(row, strings.Repeat("あ", 1333))
	}
	data := "First Name,Last Name,E-mail 1 - Value," + strings.Join(header, ",") + "\n" +
		"太郎,山田,taro@example.jp," + strings.Join(row, ",") + "\n"
	_, _, recs, bad := openBook(t, []byte(data), "", nil)
	if len(recs) != 1 || len(bad) != 0 || recs[0].Emails[0] != "taro@example.jp" {
		t.Errorf("got %+v, rejected %+v", recs, bad)
	}
}

func TestUnclosedQuoteOverTheWholeFileStopsWithAReason(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("First Name,Last Name,E-mail 1 - Value\n太郎,山田,taro@example.jp\n花子,\"佐藤,hanako@example.jp\n")
	for b.Len() < 17<<20 {
		b.WriteString("一郎,鈴木,ichiro@example.jp\n")
	}
	book, err := addrbook.Open(&b, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := book.Next(); err != nil {
		t.Fatalf("first entry: %v", err)
	}
	_, err = book.Next()
	if err == nil || err == io.EOF || !strings.Contains(err.Error(), "an entry is larger than 16 MiB (is a quote never closed?)") {
		t.Errorf("got %v, want the entry bound named", err)
	}
	if _, again := book.Next(); again != err {
		t.Errorf("a fatal error must repeat; got %v", again)
	}
}

func TestFormulaLookingNamesAreKeptAsText(t *testing.T) {
	data := "First Name,Last Name,Organization Name,E-mail 1 - Value\n" +
		"\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",+cmd,@SUM(A1),x@example.jp\n"
	_, _, recs, bad := openBook(t, []byte(data), "", nil)
	if len(bad) != 0 || len(recs) != 1 {
		t.Fatalf("got %+v, rejected %+v", recs, bad)
	}
	r := recs[0]
	if r.Given != `=HYPERLINK("http://evil.example","click")` || r.Family != "+cmd" || r.Company != "@SUM(A1)" {
		t.Errorf("names changed: %+v", r)
	}
}

func TestQuoteNeverClosedDoesNotDropTheRestQuietly(t *testing.T) {
	data := "First Name,Last Name,E-mail 1 - Value\n太郎,\"山田,taro@example.jp\n" +
		strings.Repeat("花子,佐藤,hanako@example.jp\n", 49)
	book, err := addrbook.Open(strings.NewReader(data), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = book.Next()
	want := "line 2: a quote opened in this entry is never closed, so lines 2 to 51 cannot be read as entries (close the quote and import again)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestColumnsNotReadAreNotChecked(t *testing.T) {
	// A broken byte and a huge cell in Outlook columns owabi never stores.
	data := "First Name,Last Name,Business Street,Web Page,E-mail Address\n" +
		"花子,佐藤,東京都千代田区丸の内一丁目一番一号さくらビル,,hanako@example.jp\n" +
		"太郎,山田,\xff,\"" + strings.Repeat("x", 100_000) + "\",taro@example.jp\n"
	_, _, recs, bad := openBook(t, []byte(data), "", nil)
	if len(recs) != 2 || len(bad) != 0 {
		t.Errorf("got %+v, rejected %+v; want the entry imported", recs, bad)
	}
}

// An entry whose fields the notices will leave out (a link, another
// person's address, pasted text) is kept, every address with it, and
// flagged for a person to look at: in a CSV file and in a vCard alike.
func TestFieldsTheNoticesLeaveOutAreFlagged(t *testing.T) {
	long := strings.Repeat("山", 1300) // 3,900 bytes: under the readers' bound on a name, far over a notice's
	csv := "First Name,Last Name,Organization Name,Organization Department,E-mail 1 - Value\n" +
		"太郎," + long + ",【重要】パスワード再設定のお願い https://evil.example/reset,営業部,taro@yamada.example\n" +
		"花子,佐藤,株式会社さとう,reset@evil.example へ連絡,hanako@sato.example\n" +
		"一郎,鈴木,ABC Co.Ltd.,営業部,ichiro@suzuki.example\n"
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:" + long + ";太郎;;;\r\nFN:太郎\r\nORG:【重要】パスワード再設定のお願い https://evil.example/reset;営業部\r\nEMAIL:taro@yamada.example\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;花子;;;\r\nORG:株式会社さとう;reset@evil.example へ連絡\r\nEMAIL:hanako@sato.example\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:鈴木;一郎;;;\r\nORG:ABC Co.Ltd.;営業部\r\nEMAIL:ichiro@suzuki.example\r\nEND:VCARD\r\n"
	want := [][]string{
		{"the name is left out of notices: it is longer than 60 characters", "the company name is left out of notices: it holds a link"},
		{"the department is left out of notices: it holds an e-mail address other than the person's own"},
		nil,
	}
	for name, data := range map[string]string{"csv": csv, "vcard": vcf} {
		_, _, recs, bad := openBook(t, []byte(data), "", nil)
		if len(recs) != 3 || len(bad) != 0 {
			t.Fatalf("%s: read %d entries, rejected %+v; want all 3 kept", name, len(recs), bad)
		}
		for i, r := range recs {
			if !slices.Equal(englishAll(r.Warnings), want[i]) {
				t.Errorf("%s entry %d: warnings %q, want %q", name, i+1, r.Warnings, want[i])
			}
		}
		if recs[0].Company == "" || len(recs[0].Family) != len(long) {
			t.Errorf("%s: the fields themselves must be kept as the book has them", name)
		}
	}
}
