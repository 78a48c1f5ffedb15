package addrbook_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

const (
	sampleBook = "../../cmd/owabi/demodata/google_contacts.csv"
	sampleKey  = "../../testdata/google_contacts_expected.csv"
)

// readAll reads every entry of a Google Contacts export; it fails the test on
// a fatal error or if Next does not stop.
func readAll(t testing.TB, data []byte) ([]notify.Record, []*addrbook.RowError) {
	t.Helper()
	g, err := addrbook.NewGoogleCSV(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewGoogleCSV: %v", err)
	}
	return readEntries(t, g, len(data))
}

// readEntries calls Next until io.EOF, sorting what it returns into records
// and rejections; it fails the test on a fatal error, or if Next has not
// stopped after size+2 calls.
func readEntries(t testing.TB, book addrbook.Book, size int) ([]notify.Record, []*addrbook.RowError) {
	t.Helper()
	var recs []notify.Record
	var bad []*addrbook.RowError
	for range size + 2 {
		rec, err := book.Next()
		var re *addrbook.RowError
		switch {
		case err == io.EOF:
			return recs, bad
		case errors.As(err, &re):
			bad = append(bad, re)
		case err != nil:
			t.Fatalf("Next: fatal error: %v", err)
		default:
			recs = append(recs, rec)
		}
	}
	t.Fatalf("Next did not return io.EOF after %d calls", size+2)
	return nil, nil
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := readFileBytes(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readFileBytes is os.ReadFile, named so fuzz seeding reads like the tests.
var readFileBytes = os.ReadFile

// keyRow is one line of the answer key.
type keyRow struct {
	number, line int
	addresses    []string
}

func readKey(t *testing.T) []keyRow {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, sampleKey))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rows[0][:4], ","), "record,line,name,addresses"; got != want {
		t.Fatalf("answer key header = %q, want it to start with %q", got, want)
	}
	var key []keyRow
	for _, r := range rows[1:] {
		n, err1 := strconv.Atoi(r[0])
		l, err2 := strconv.Atoi(r[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("answer key row %q: bad number", r)
		}
		key = append(key, keyRow{n, l, strings.Split(r[3], " ::: ")})
	}
	return key
}

func TestGoogleCSVSample(t *testing.T) {
	recs, bad := readAll(t, readFile(t, sampleBook))
	for _, e := range bad {
		t.Errorf("rejected: %v", e)
	}
	key := readKey(t)
	if got, want := len(recs), 243; got != want {
		t.Fatalf("records = %d, want %d", got, want)
	}
	if len(key) != len(recs) {
		t.Fatalf("answer key has %d rows, book %d records", len(key), len(recs))
	}
	distinct := map[string]bool{}
	for i, rec := range recs {
		k := key[i]
		if rec.Number != k.number || rec.Line != k.line {
			t.Errorf("record %d: Number, Line = %d, %d; want %d, %d", i+1, rec.Number, rec.Line, k.number, k.line)
		}
		got, want := map[string]bool{}, map[string]bool{}
		for _, e := range rec.Emails {
			got[strings.ToLower(e)] = true
			distinct[strings.ToLower(e)] = true
		}
		for _, a := range k.addresses {
			e, err := addrbook.NormalizeEmail(a)
			if err != nil {
				t.Fatalf("answer key line %d: %v", k.line, err)
			}
			want[strings.ToLower(e)] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d (line %d): addresses %q, want %q", rec.Number, rec.Line, rec.Emails, k.addresses)
		}
	}
	if got, want := len(distinct), 258; got != want {
		t.Errorf("distinct addresses = %d, want %d", got, want)
	}
	// Records, not lines: the README's 322 lines after the header.
	if got, want := bytes.Count(readFile(t, sampleBook), []byte("\n")), 1+322; got != want {
		t.Errorf("sample has %d lines, want %d", got, want)
	}
}

func TestGoogleCSVBOMAndCRLF(t *testing.T) {
	plain := readFile(t, sampleBook)
	want, _ := readAll(t, plain)
	variants := map[string][]byte{
		"BOM":      append([]byte("\ufeff"), plain...),
		"CRLF":     bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n")),
		"BOM+CRLF": append([]byte("\ufeff"), bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n"))...),
	}
	for name, data := range variants {
		got, bad := readAll(t, data)
		if len(bad) > 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: records differ from the plain file (%d records, %d rejected)", name, len(got), len(bad))
		}
	}
}

func TestGoogleCSVFields(t *testing.T) {
	// Columns in an unusual order, an unknown column, a third E-mail pair,
	// a short row, CRLF, U+3000 around the name and a multi-line note.
	const book = "\ufeffNickname,E-mail 1 - Value,Last Name,First Name,Phonetic Last Name,Phonetic First Name,Organization Name,Organization Department,Organization Title,Labels,Phone 1 - Value,E-mail 2 - Value,Notes,E-mail 3 - Value,Phone 2 - Value\r\n" +
		"x,ＴＡＲＯ＠Ｅｘａｍｐｌｅ．ＪＰ ::: taro@example.jp,\u3000山田\u3000, 太郎 ,やまだ,たろう,\"Asagiri Paper Co., Ltd.\",営業部,部長,\"顧客 ::: * myContacts\",03-0000-0000 ::: 090-0000-0000,Taro@EXAMPLE.jp,\"a, \"\"b\"\"\r\nc\",t2@mail.example.com,045-000-0000\r\n" +
		",hanako@example.jp,𠮷田,花子\r\n"
	recs, bad := readAll(t, []byte(book))
	if len(bad) > 0 {
		t.Fatalf("rejected: %v", bad)
	}
	want := []notify.Record{{
		Number: 1, Line: 2,
		Family: "山田", Given: "太郎", FamilyKana: "やまだ", GivenKana: "たろう",
		Company: "Asagiri Paper Co., Ltd.", Department: "営業部", Title: "部長",
		Emails: []string{"TARO@example.jp", "t2@mail.example.com"},
		Phones: []string{"03-0000-0000", "090-0000-0000", "045-000-0000"},
		Labels: []string{"顧客", "* myContacts"},
		Notes:  "a, \"b\"\nc",
	}, {
		Number: 2, Line: 4,
		Family: "𠮷田", Given: "花子",
		Emails: []string{"hanako@example.jp"},
	}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("got  %+v\nwant %+v", recs, want)
	}
}

func TestGoogleCSVBadRows(t *testing.T) {
	const header = "First Name,Last Name,Organization Name,Organization Department,Organization Title,Notes,E-mail 1 - Value,E-mail 2 - Value\n"
	const good = "花子,佐藤,,,,,hanako@example.jp,\n"
	long := strings.Repeat("あ", 2000)
	tests := []struct {
		name, row, want string
	}{
		{"no address", "太郎,山田,,,,,,\n", "no e-mail address"},
		{"only separators", "太郎,山田,,,,, ::: ,\n", "no e-mail address"},
		{"only a bad address", "太郎,山田,,,,,taro@example,\n", `invalid e-mail address "taro@example": the domain has no dot`},
		{"only a bad joined address", "太郎,山田,,,,,\"<x@y.jp ::: taro@example\",\n", `invalid e-mail address "<x@y.jp": it contains an angle bracket`},
		{"header injection", "\"Bob\r\nBcc: x@y\",Smith,,,,,bob@example.com,\n", "the name contains a line break"},
		{"LF in family name", "太郎,\"山\n田\",,,,,taro@example.jp,\n", "the name contains a line break"},
		{"tab in name", "太\t郎,山田,,,,,taro@example.jp,\n", "the name contains a control character"},
		{"bidi override", "太郎,山田\u202e,,,,,taro@example.jp,\n", "the name contains a control character"},
		{"company", "太郎,山田,\"A\rB\",,,,taro@example.jp,\n", "the company name contains a line break"},
		{"department", "太郎,山田,,\"営業\n部\",,,taro@example.jp,\n", "the department contains a line break"},
		{"title", "太郎,山田,,,部長\x00,,taro@example.jp,\n", "the title contains a control character"},
		{"invalid UTF-8 in the only address", "太郎,山田,,,,,taro@\xff.jp,\n", `the "E-mail 1 - Value" field has bytes that cannot be decoded (is the file in another encoding?)`},
		{"long field", "太郎," + long + ",,,,,taro@example.jp,\n", `the "Last Name" field is longer than 4,096 bytes`},
		{"long notes", "太郎,山田,,,," + strings.Repeat(long, 12) + ",taro@example.jp,\n", `the "Notes" field is longer than 65,536 bytes`},
		{"bare quote", "太\"郎,山田,,,,,taro@example.jp,\n", `malformed CSV: a " in a field that is not quoted`},
		{"stray quote", "\"太\"郎,山田,,,,,taro@example.jp,\n", `malformed CSV: a quoted field has a stray " or is never closed`},
		{"stray quote on a later line", "太郎,山田,,,,\"a\nb\"c,taro@example.jp,\n", `malformed CSV: a quoted field has a stray " or is never closed (on line 4)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, bad := readAll(t, []byte(header+good+tt.row+good))
			if len(bad) != 1 {
				t.Fatalf("rejections = %v, want one", bad)
			}
			if got := english(bad[0].Reason); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if got, want := bad[0].Line, 3; got != want {
				t.Errorf("Line = %d, want %d", got, want)
			}
			if got, want := bad[0].Number, 2; got != want {
				t.Errorf("Number = %d, want %d", got, want)
			}
			if len(recs) != 2 || recs[1].Number != 3 {
				t.Errorf("good rows around the bad one: got %d records (%+v), want 2, the second numbered 3", len(recs), recs)
			}
		})
	}
}

func TestNewGoogleCSVHeader(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "not a Google Contacts CSV export: the file is empty"},
		{"blank lines", "\n\n", "not a Google Contacts CSV export: the file is empty"},
		{"Outlook", "First Name,Last Name,E-mail Address\n", `not a Google Contacts CSV export: no "E-mail 1 - Value" column`},
		{"no names", "Name,E-mail 1 - Value\n", `not a Google Contacts CSV export: no "First Name" and "Last Name" columns`},
		{"old Google format without names", "Group Membership,E-mail 1 - Type,E-mail 1 - Value\n",
			`not a Google Contacts CSV export: no "Name", "Given Name" or "Family Name" column`},
		{"E-mail N not a number", "First Name,Last Name,E-mail X - Value\n", `not a Google Contacts CSV export: no "E-mail 1 - Value" column`},
		{"not UTF-8", "\x96\xbc\x91\x4f,E-mail 1 - Value\n", `not a Google Contacts CSV export: the header is not UTF-8 text`},
		{"malformed", "First Name,\"Last Name\"x\n", `not a Google Contacts CSV export: line 1: malformed CSV: a quoted field has a stray " or is never closed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := addrbook.NewGoogleCSV(strings.NewReader(tt.data))
			wantInvalid(t, err, tt.want)
		})
	}
}

// wantInvalid checks that err is an EINVALID error that says want.
func wantInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if got := err.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, code := notify.ErrorCode(err), notify.EINVALID; got != code {
		t.Errorf("code = %q, want %q", got, code)
	}
}

func TestNewGoogleCSVHeaderAccepted(t *testing.T) {
	tests := []struct {
		name, data string
	}{
		{"minimal", "First Name,Last Name,E-mail 1 - Value\n"},
		{"BOM before a quoted name", "\ufeff\"First Name\",Last Name,E-mail 1 - Value\n"},
		{"spaces and case", " first name , LAST NAME ,e-mail 1 - value\r\n"},
		{"no newline", "First Name,Last Name,E-mail 1 - Value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := addrbook.NewGoogleCSV(strings.NewReader(tt.data + "\n太郎,山田,taro@example.jp\n"))
			if err != nil {
				t.Fatal(err)
			}
			rec, err := g.Next()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := rec.Name()+" "+rec.Emails[0], "山田 太郎 taro@example.jp"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestGoogleCSVRowErrorText(t *testing.T) {
	err := error(&addrbook.RowError{Number: 11, Line: 12, Reason: notify.Say("entry.no_address")})
	if got, want := err.Error(), "line 12: no e-mail address"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGoogleCSVUnclosedQuoteAtEnd(t *testing.T) {
	const data = "First Name,Last Name,E-mail 1 - Value\n太郎,山田,taro@example.jp\n花子,\"佐藤,hanako@example.jp\n"
	recs, bad := readAll(t, []byte(data))
	if len(recs) != 1 || len(bad) != 1 {
		t.Fatalf("got %d records and %v, want 1 record and 1 rejection", len(recs), bad)
	}
	if got, want := bad[0].Error(), `line 3: malformed CSV: a quoted field has a stray " or is never closed`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A read error is fatal for every reader, names the line it came after,
// and sticks.
func TestReadErrorsStick(t *testing.T) {
	for _, tt := range []struct {
		format, data string
		good         int
		want         string
	}{
		{"Google CSV", "First Name,Last Name,E-mail 1 - Value\n太郎,山田,taro@example.jp\n花子,佐藤,hanako@example.jp\n", 2,
			"reading the entry after line 3: disk on fire"},
		{"vCard", "BEGIN:VCARD\nEMAIL:a@example.jp\nEND:VCARD\nBEGIN:VCARD\nEMAIL:b@example.jp\n", 1,
			"reading the entry after line 5: disk on fire"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			boom := errors.New("disk on fire")
			r := io.MultiReader(strings.NewReader(tt.data), iotest.ErrReader(boom))
			book, err := addrbook.Open(iotest.OneByteReader(r), "", nil)
			if err != nil {
				t.Fatal(err)
			}
			for range tt.good {
				if _, err := book.Next(); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 { // the error sticks
				_, err = book.Next()
				var re *addrbook.RowError
				if !errors.Is(err, boom) || errors.As(err, &re) {
					t.Fatalf("got %v, want a fatal error wrapping %v", err, boom)
				}
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOldGoogleCSV(t *testing.T) {
	const book = "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi," +
		"Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value," +
		"Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department\n" +
		"山田 花子,花子,,山田,,はなこ,,やまだ,* myContacts ::: 仕入先,* Work,h-yamada@asagiri-paper.example.net ::: hanako@asagiri-paper.example.net,Home,hanako@webmail.example.com,Work,03-0000-0001,,Asagiri Paper Co.，Ltd.,,課長,資材部\n" +
		"鈴木商店,,,,,,,,* myContacts,* Work,info@suzuki.example,,,,,,,,,\n"
	g, err := addrbook.NewGoogleCSV(strings.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	if g.Format() != "google-csv-old" {
		t.Errorf("Format = %q", g.Format())
	}
	first, err := g.Next()
	if err != nil {
		t.Fatal(err)
	}
	want := notify.Record{Number: 1, Line: 2, Family: "山田", Given: "花子", FamilyKana: "やまだ", GivenKana: "はなこ",
		Company: "Asagiri Paper Co.，Ltd.", Department: "資材部", Title: "課長",
		Emails: []string{"h-yamada@asagiri-paper.example.net", "hanako@asagiri-paper.example.net", "hanako@webmail.example.com"},
		Phones: []string{"03-0000-0001"}, Labels: []string{"* myContacts", "仕入先"}}
	if fmt.Sprint(first) != fmt.Sprint(want) {
		t.Errorf("old-format entry:\n got %+v\nwant %+v", first, want)
	}
	second, err := g.Next()
	if err != nil || second.Name() != "鈴木商店" {
		t.Errorf("an entry with only the whole name: %+v, %v", second, err)
	}
}

func TestANearMissSaysWhichColumnsAreMissing(t *testing.T) {
	_, err := addrbook.Open(strings.NewReader("Name,E-mail 1 - Value\n人,a@x.example\n"), "", nil)
	wantInvalid(t, err, `not a CSV address book: the header looks like Google Contacts CSV but has no "First Name" and "Last Name" columns. `+
		`Name the columns with --map, e.g. --map email=メール,name=氏名 (the columns are "Name", "E-mail 1 - Value")`)
}

// A bad second address loses only itself: the entry keeps its good one,
// with a warning that names what was left out.
func TestGoogleCSVBadAddressLosesOnlyItself(t *testing.T) {
	const header = "First Name,Last Name,E-mail 1 - Value,E-mail 2 - Value\n"
	for _, tt := range []struct{ name, row, warning string }{
		{"second column", "太郎,山田,taro@example.jp,taro@example\n", `invalid e-mail address "taro@example": the domain has no dot, so it was left out`},
		{"joined", "太郎,山田,\"taro@example.jp ::: <x@y.jp\",\n", `invalid e-mail address "<x@y.jp": it contains an angle bracket, so it was left out`},
		{"invalid UTF-8 in the name", "\xff\xfe,山田,taro@example.jp,\n", `the "First Name" field has bytes that cannot be decoded (is the file in another encoding?), so it was left out`},
		{"invalid UTF-8 in the second address", "太郎,山田,taro@example.jp,x@\xff.jp\n", `the "E-mail 2 - Value" field has bytes that cannot be decoded (is the file in another encoding?), so it was left out`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recs, bad := readAll(t, []byte(header+tt.row))
			if len(bad) != 0 || len(recs) != 1 {
				t.Fatalf("records %v, rejections %v; want one record", recs, bad)
			}
			if got := recs[0].Emails; !slices.Equal(got, []string{"taro@example.jp"}) {
				t.Errorf("Emails = %q, want the good address", got)
			}
			if got := englishAll(recs[0].Warnings); !slices.Contains(got, tt.warning) {
				t.Errorf("Warnings = %q, want %q", got, tt.warning)
			}
		})
	}
}
