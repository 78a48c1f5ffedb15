package sheet_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

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
	_, err := sheet.ContactList(&b, sheet.CSV, "ja", time.UTC, func(fn func(notify.Contact, notify.ContactProgress) error) error {
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

// The contact list as an Excel workbook: the same rows as the CSV, every
// cell text as the database holds it (no apostrophe, no formula, leading
// zeros kept, even after an edit: the text format), the header frozen and
// the columns wide enough to read.
func TestTheContactListAsAWorkbook(t *testing.T) {
	contacts := func(fn func(notify.Contact, notify.ContactProgress) error) error {
		return fn(notify.Contact{ID: 7, Record: notify.Record{Family: `=HYPERLINK("http://evil.example","x")`, Company: "＋cmd|' /C calc'!A0",
			Emails: []string{"a@x.example", "b@x.example"}, Phones: []string{"0312345678", "+81 90-0000-0000"}}, Category: notify.Customer},
			notify.ContactProgress{})
	}
	var csvFile, xlsxFile bytes.Buffer
	if _, err := sheet.ContactList(&csvFile, sheet.CSV, "ja", time.UTC, contacts); err != nil {
		t.Fatal(err)
	}
	n, err := sheet.ContactList(&xlsxFile, sheet.XLSX, "ja", time.UTC, contacts)
	if err != nil || n != 1 {
		t.Fatalf("workbook: %d contacts, %v", n, err)
	}
	f, err := excelize.OpenReader(&xlsxFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "連絡先" {
		t.Fatalf("sheets %q, want one named 連絡先", got)
	}
	rows, err := f.GetRows("連絡先")
	if err != nil {
		t.Fatal(err)
	}
	fromCSV, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvFile.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i := range fromCSV {
		for j := range fromCSV[i] {
			if j >= len(rows[i]) {
				rows[i] = append(rows[i], "")
			}
			if sheet.Text(rows[i][j]) != fromCSV[i][j] {
				t.Errorf("row %d column %d: workbook %q, CSV %q", i+1, j+1, rows[i][j], fromCSV[i][j])
			}
		}
	}
	for _, tt := range []struct{ cell, want string }{
		{"B2", `=HYPERLINK("http://evil.example","x")`}, {"D2", "＋cmd|' /C calc'!A0"},
		{"G2", "a@x.example\nb@x.example"}, {"H2", "0312345678\n+81 90-0000-0000"},
	} {
		got, _ := f.GetCellValue("連絡先", tt.cell)
		typ, _ := f.GetCellType("連絡先", tt.cell)
		formula, _ := f.GetCellFormula("連絡先", tt.cell)
		style, _ := f.GetCellStyle("連絡先", tt.cell)
		st, _ := f.GetStyle(style)
		if got != tt.want || formula != "" || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) || st == nil || st.NumFmt != 49 {
			t.Errorf("%s: %q (type %v, formula %q, format %+v); want the text %q in the text format", tt.cell, got, typ, formula, st, tt.want)
		}
	}
	panes, err := f.GetPanes("連絡先")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v; want the header row frozen", panes, err)
	}
	if w, _ := f.GetColWidth("連絡先", "G"); w < 20 {
		t.Errorf("the e-mail column is %v wide", w)
	}
}
