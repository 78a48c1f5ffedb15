package classify_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/classify"
)

const (
	sampleCustomers = "../../cmd/owabi/demodata/customers.csv"
	sampleSuppliers = "../../cmd/owabi/demodata/suppliers.csv"
)

func readMasterFile(t testing.TB, name string, c notify.Category) []classify.Master {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := classify.ReadMasters(bytes.NewReader(b), c)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ms
}

func TestReadMastersSample(t *testing.T) {
	cs := readMasterFile(t, sampleCustomers, notify.Customer)
	ss := readMasterFile(t, sampleSuppliers, notify.Supplier)
	if len(cs) != 70 || len(ss) != 20 {
		t.Fatalf("got %d customers and %d suppliers, want 70 and 20", len(cs), len(ss))
	}
	tests := []struct {
		got, want classify.Master
	}{
		{cs[3], classify.Master{Code: "C0004", Company: "有限会社ひばり茶舗", Kana: "ヒバリチャホ", Domain: "freemail.example.jp", OwnerEmail: "matsui@sakura-print.example.jp", Category: notify.Customer}},
		{cs[4], classify.Master{Code: "C0005", Company: "雲雀堂書店", Kana: "ヒバリドウショテン", OwnerEmail: cs[4].OwnerEmail, Category: notify.Customer}},
		{ss[0], classify.Master{Code: "S0001", Company: "Asagiri Paper Co., Ltd.", Kana: "アサギリペーパー", Domain: "asagiri-paper.example.net", OwnerEmail: "n-fujii@sakura-print.example.jp", Category: notify.Supplier}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %+v\nwant %+v", tt.got, tt.want)
		}
	}
}

func TestReadMastersBOMAndCRLF(t *testing.T) {
	b, err := os.ReadFile(sampleCustomers)
	if err != nil {
		t.Fatal(err)
	}
	want := readMasterFile(t, sampleCustomers, notify.Customer)
	crlf := append([]byte("\ufeff"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
	got, err := classify.ReadMasters(bytes.NewReader(append(crlf, ",,,,,,,\r\n\r\n"...)), notify.Customer)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("with a BOM, CRLF and blank rows: %d masters, %v; want the same %d as without", len(got), err, len(want))
	}
}

func TestReadMastersColumnsByName(t *testing.T) {
	const data = "code,owner_email,email_domain,note,company_name\nX1,Taro@Sakura-Print.example.jp,@ＥＸＡＭＰＬＥ．ＪＰ,,\u3000株式会社例 \nX2,,,,例二\n"
	got, err := classify.ReadMasters(strings.NewReader(data), notify.Supplier)
	if err != nil {
		t.Fatal(err)
	}
	want := []classify.Master{
		{Code: "X1", Company: "株式会社例", Domain: "example.jp", OwnerEmail: "Taro@sakura-print.example.jp", Category: notify.Supplier},
		{Code: "X2", Company: "例二", Category: notify.Supplier},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestReadMastersInvalid(t *testing.T) {
	const header = "customer_code,company_name,company_name_kana,email_domain,owner_email\n"
	tests := []struct {
		name string
		cat  notify.Category
		data string
		want string
	}{
		{"category", notify.Unclassified, header, `a master list cannot be of category "unclassified"`},
		{"empty", notify.Customer, "", "customer list: the file is empty"},
		{"swapped lists", notify.Supplier, header, `supplier list: the first column is "customer_code": this looks like a customer list, not a supplier list`},
		{"no code column", notify.Customer, "company_name,email_domain\n", `customer list: the first column is "company_name", want "customer_code"`},
		{"no company column", notify.Customer, "customer_code,name,email_domain\n", `customer list: no "company_name" column`},
		{"no domain column", notify.Customer, "customer_code,company_name\n", `customer list: no "email_domain" column`},
		{"bad header CSV", notify.Customer, "customer_code,\"company_name\n", `customer list: line 1: malformed CSV: extraneous or missing " in quoted-field`},
		{"bad rows", notify.Customer, header +
			"C1,甲,,a.example,\n" +
			",乙,,b.example,\n" +
			"C3,,,c.example,\n" +
			"C4,丁,,localhost,\n" +
			"C5,戊,,e.example,nobody\n" +
			"C1,己,,f.example,\n" +
			"C7,\"庚\n株式会社\",,g.example,\n" +
			"C8,\xff,,h.example,\n" +
			"C9,壬\"x,,i.example,\n",
			`customer list: line 3: no customer_code; line 4: no company_name; ` +
				`line 5: email_domain: invalid e-mail domain "localhost": the domain has no dot; ` +
				`line 6: owner_email: invalid e-mail address "nobody": it has no @; ` +
				`line 7: code C1 is already on line 2; line 8: a line break or control character in the code or company name; ` +
				`line 10: not valid UTF-8 (save the file as UTF-8); line 11: malformed CSV: bare " in non-quoted-field`},
		{"many bad rows", notify.Customer, header + strings.Repeat(",x,,,\n", 12),
			"customer list: line 2: no customer_code; line 3: no customer_code; line 4: no customer_code; line 5: no customer_code; " +
				"line 6: no customer_code; line 7: no customer_code; line 8: no customer_code; line 9: no customer_code; " +
				"line 10: no customer_code; line 11: no customer_code; and 2 more bad rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := classify.ReadMasters(strings.NewReader(tt.data), tt.cat)
			if err == nil {
				t.Fatalf("got %d masters and no error", len(ms))
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if got, want := notify.ErrorCode(err), notify.EINVALID; got != want {
				t.Errorf("code %q, want %q", got, want)
			}
		})
	}
}

// workbookOf writes rows into the first sheet of an Excel workbook, as a
// spreadsheet program saves one, and returns its bytes.
func workbookOf(t testing.TB, rows [][]string, opts ...excelize.Options) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b, opts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A master list kept in Excel reads as the same list saved as CSV.
func TestReadMastersFromAnExcelWorkbook(t *testing.T) {
	b, err := os.ReadFile(sampleCustomers)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = append(rows, []string{}, []string{"", "", ""}) // empty rows at the end, as sheets have
	got, err := classify.ReadMasters(bytes.NewReader(workbookOf(t, rows)), notify.Customer)
	if want := readMasterFile(t, sampleCustomers, notify.Customer); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("from a workbook: %d masters, %v; want the %d of the CSV", len(got), err, len(want))
	}
	// Bad rows are named by the sheet's row numbers.
	bad := [][]string{{"customer_code", "company_name", "email_domain"}, {"C1", "甲", "a.example"}, {}, {"C1", "乙", "b.example"}, {"C3", "", "c.example"}}
	if _, err := classify.ReadMasters(bytes.NewReader(workbookOf(t, bad)), notify.Customer); err == nil ||
		err.Error() != "customer list: row 4: code C1 is already on row 2; row 5: no company_name" {
		t.Errorf("bad rows in a workbook: %v", err)
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"old Excel", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "an old Excel workbook (.xls), or one protected by a password: save it as .xlsx without a password, or as CSV (UTF-8)"},
		{"password", workbookOf(t, rows, excelize.Options{Password: "himitsu"}), "protected by a password"},
		{"broken", workbookOf(t, rows)[:300], "not a workbook that can be read"},
	} {
		if _, err := classify.ReadMasters(bytes.NewReader(tt.data), notify.Customer); err == nil || !strings.Contains(err.Error(), tt.want) || notify.ErrorCode(err) != notify.EINVALID {
			t.Errorf("%s: %v; want an EINVALID error saying %q", tt.name, err, tt.want)
		}
	}
}
