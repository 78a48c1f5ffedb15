package respond_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/japanese"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/store"
)

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// An Outlook export in CP932, as Japanese Windows writes it, is read as
// it came, each contact classified as it is stored, and an entry that
// cannot be imported is noted while the rest go in.
func TestABookInCP932IsImportedAndClassified(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	csv := "名,姓,電子メール アドレス,会社名\r\n太郎,山田,taro@yamada.example,山田商事\r\n花子,鈴木,not an address,鈴木工業\r\n"
	cp932, err := japanese.ShiftJIS.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	books := respond.Books{Store: db, Decide: func(r notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: "eigyo@sakura.example"}
	}}
	entries := 0
	rep, err := books.Import(ctx, "outlook.csv", strings.NewReader(cp932), respond.ImportOptions{Entry: func() { entries++ }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.RejectedCount != 1 || entries != 2 || !strings.Contains(strings.ToLower(rep.Encoding), "shift") {
		t.Errorf("report %+v after %d entries; want one added, one rejected, read as Shift_JIS", rep, entries)
	}
	c, _, err := db.ContactByEmail(ctx, "taro@yamada.example")
	if err != nil || c.Family != "山田" || c.Company != "山田商事" || c.Category != notify.Customer || c.OwnerEmail != "eigyo@sakura.example" {
		t.Errorf("the contact: %+v, %v", c, err)
	}
}

// A book whose file fails part-way through imports nothing, and says why.
func TestABookThatFailsToReadImportsNothing(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	var csv bytes.Buffer
	csv.WriteString("First Name,Last Name,E-mail 1 - Value\n")
	for range 300 {
		csv.WriteString("太郎,山田,taro@yamada.example\n")
	}
	failing := io.MultiReader(&csv, iotest.ErrReader(errors.New("input/output error")))
	_, err := respond.Books{Store: db}.Import(ctx, "book.csv", failing, respond.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") || !strings.Contains(err.Error(), "input/output error") {
		t.Errorf("error %v; want nothing imported, and the read error", err)
	}
	if st, _ := db.Status(ctx); st.Contacts != 0 {
		t.Errorf("%d contacts stored", st.Contacts)
	}
}
