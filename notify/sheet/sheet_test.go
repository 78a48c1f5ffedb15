package sheet_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

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
