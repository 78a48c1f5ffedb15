package sheet_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/sheet"
)

func TestWriterNeutralisesFormulas(t *testing.T) {
	var b bytes.Buffer
	w := sheet.NewWriter(&b)
	w.Write([]string{"氏名", "会社名"})
	w.Write([]string{`=HYPERLINK("http://evil.example","click")`, "+cmd|' /C calc'!A0"})
	w.Write([]string{"@SUM(A1:A9)", "-2+3", "\t=1", "山田 太郎", "090-0000-0000", ""})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\ufeff氏名,会社名\r\n") {
		t.Errorf("no BOM or CRLF: %q", out[:20])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"氏名", "会社名"},
		{`'=HYPERLINK("http://evil.example","click")`, "'+cmd|' /C calc'!A0"},
		{"'@SUM(A1:A9)", "'-2+3", "'\t=1", "山田 太郎", "090-0000-0000", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %q\nwant %q", rows, want)
	}
}

func TestTheContactListSaysWhyAnAddressWasNotReached(t *testing.T) {
	var b bytes.Buffer
	_, err := sheet.ContactList(&b, "ja", time.UTC, func(fn func(notify.Contact, notify.ContactProgress) error) error {
		return fn(notify.Contact{ID: 1, Record: notify.Record{Family: "山田", Emails: []string{"taro@x.example"}}},
			notify.ContactProgress{Undelivered: []notify.Undelivered{{Email: "taro@x.example",
				Reply: notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1"}}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if head, row := rows[0][len(rows[0])-1], rows[1][len(rows[1])-1]; head != "届かなかったアドレスと理由" || row != "taro@x.example: このアドレスは存在しません（550 5.1.1）" {
		t.Errorf("last column: %q = %q", head, row)
	}
}

func TestTextNeutralisesWhateverStartsAFormula(t *testing.T) {
	for _, tt := range []struct {
		cell string
		safe bool // shown as it is
	}{
		{"山田 太郎", true},
		{"", true},
		{"090-0000-0000", true},
		{"a=b", true},
		{"　山田", true},  // an ideographic space before ordinary text
		{"−1", true},   // U+2212 MINUS SIGN stays itself under NFKC
		{"ー", true},    // the long-vowel mark
		{"＄A$1", true}, // not a character a formula starts with
		{`=HYPERLINK("http://evil.example","x")`, false},
		{"+cmd|' /C calc'!A0", false},
		{"-2+3", false},
		{"@SUM(A1)", false},
		{"\t=1", false},
		{"\tx", false},
		{"\r=1", false},
		// Full-width, as a Japanese input method types them.
		{`＝HYPERLINK("http://evil.example","x")`, false},
		{"＋cmd", false},
		{"－2+3", false}, // U+FF0D
		{"＠SUM(A1)", false},
		// The small forms, and the super- and subscript signs, that NFKC makes = + -.
		{"﹦1+1", false},
		{"﹢1", false},
		{"﹣1", false},
		{"﹫SUM(A1)", false},
		{"⁼1", false},
		{"₊1", false},
		// Blank or invisible characters before one: a program that trims them reads a formula.
		{" =1+1", false},
		{"\u3000＝1+1", false}, // an ideographic space
		{"\u00a0+1", false},   // a no-break space
		{"\u200b=1", false},   // a zero-width space
		{"\ufeff=1", false},   // a byte order mark
		{"\n@SUM(A1)", false},
	} {
		want := tt.cell
		if !tt.safe {
			want = "'" + tt.cell
		}
		if got := sheet.Text(tt.cell); got != want {
			t.Errorf("Text(%q) = %q, want %q", tt.cell, got, want)
		}
	}
}
