package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// An office keeps its master lists in Excel and opens owabi's list in
// Excel: the sample's masters saved as workbooks classify the book as the
// CSV files do, and owabi export writes a workbook for a name ending in
// .xlsx, owner-only.
func TestMasterListsAndTheExportInExcel(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	dir := filepath.Dir(cfg)
	for _, name := range []string{"customers", "suppliers"} {
		csvPath := filepath.Join(dir, name+".csv")
		b, err := os.ReadFile(csvPath)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		f := excelize.NewFile()
		for i, row := range rows {
			cells := make([]any, len(row))
			for j, v := range row {
				cells[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &cells)
		}
		if err := f.SaveAs(filepath.Join(dir, name+".xlsx")); err != nil {
			t.Fatal(err)
		}
		f.Close()
		os.Remove(csvPath)
	}
	body, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.NewReplacer(`"customers.csv"`, `"customers.xlsx"`, `"suppliers.csv"`, `"suppliers.xlsx"`).Replace(string(body))), 0o600)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	var cls notify.ClassifyReport
	if err := json.Unmarshal([]byte(mustOwabi(t, nil, "--config", cfg, "classify", "--json")), &cls); err != nil {
		t.Fatal(err)
	}
	if c := cls.Categories; c[notify.Customer] != 168 || c[notify.Supplier] != 35 || c[notify.Employee] != 40 || c[notify.Unclassified] != 0 {
		t.Errorf("classified with the masters in Excel: %v; want 168 customers, 35 suppliers, 40 employees", c)
	}
	out := filepath.Join(t.TempDir(), "contacts.xlsx")
	if got := mustOwabi(t, nil, "--config", cfg, "export", out); !strings.Contains(got, "Wrote 243 contacts") {
		t.Errorf("export: %s", got)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the workbook: %v, %v; want owner-only", fi, err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("連絡先")
	if err != nil || len(rows) != 244 || rows[0][1] != "氏名" {
		t.Errorf("the workbook's sheet: %d rows, %v", len(rows), err)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "export", "--format", "pdf", "-"); code != 2 || !strings.Contains(errOut, "use csv or xlsx") {
		t.Errorf("export --format pdf: exit %d, %s", code, errOut)
	}
}
