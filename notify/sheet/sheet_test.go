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
