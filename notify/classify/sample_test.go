package classify_test

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/classify"
)

const (
	sampleBook = "../../cmd/owabi/demodata/google_contacts.csv"
	sampleKey  = "../../testdata/google_contacts_expected.csv"
)

// TestSample classifies the whole demo book with the demo configuration and
// checks every row against the answer key.
func TestSample(t *testing.T) {
	c := classify.New(classify.Rules{
		OwnDomains:      []string{"sakura-print.example.jp"},
		FreeMailDomains: append(append([]string{}, classify.DefaultFreeMailDomains...), "freemail.example.jp", "webmail.example.com"),
		Labels:          classify.DefaultLabels,
		Masters: append(readMasterFile(t, sampleCustomers, notify.Customer),
			readMasterFile(t, sampleSuppliers, notify.Supplier)...),
	})

	f, err := os.Open(sampleKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	key, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(key[0], ","), "record,line,name,addresses,category,decided_by,company_as_written"; got != want {
		t.Fatalf("answer key header %q, want %q", got, want)
	}
	key = key[1:]

	b, err := os.Open(sampleBook)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	g, err := addrbook.NewGoogleCSV(b)
	if err != nil {
		t.Fatal(err)
	}
	totals := map[notify.Category]int{}
	rules := map[string]int{}
	for i := 0; ; i++ {
		rec, err := g.Next()
		if errors.Is(err, io.EOF) {
			if i != len(key) {
				t.Errorf("book has %d records, answer key %d", i, len(key))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(key) {
			t.Fatalf("book has more records than the answer key")
		}
		d := c.Classify(rec)
		totals[d.Category]++
		rules[string(d.Category)+" "+string(d.Rule)]++
		k := key[i]
		if got, want := string(d.Category)+" "+string(d.Rule), k[4]+" "+k[5]; got != want || strconv.Itoa(rec.Line) != k[1] {
			t.Errorf("record %s (line %d, %s, %q): got %s (%s), want %s", k[0], rec.Line, k[2], rec.Company, got, d.Detail, want)
		}
		master := d.Rule == notify.RuleMasterDomain || d.Rule == notify.RuleMasterCompany
		if d.Detail.IsZero() || master != (d.OwnerEmail != "") {
			t.Errorf("record %s: decision %+v: want a Detail, and an OwnerEmail exactly when a master decided", k[0], d)
		}
	}
	if want := map[notify.Category]int{notify.Customer: 168, notify.Supplier: 35, notify.Employee: 40}; !reflect.DeepEqual(totals, want) {
		t.Errorf("totals %v, want %v (and no unclassified)", totals, want)
	}
	want := map[string]int{
		"customer label": 2, "customer master_company_name": 14, "customer master_domain": 152,
		"employee own_domain": 40, "supplier master_company_name": 2, "supplier master_domain": 33,
	}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("by rule %v, want %v", rules, want)
	}
}
