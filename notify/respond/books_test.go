package respond_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// Notices are not queued while a contact has no category (they would get
// the customer wording), unless that is allowed; a look-alike, held back
// whatever is decided, is not in the way.
func TestNoticesWaitForEveryCategory(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	book := "First Name,Last Name,E-mail 1 - Value\n太郎,山田,taro@yamada.example\n花子,鈴木,hanako@suzuki.example\n次郎,佐藤,jiro@sato.example\n"
	decide := func(r notify.Record) notify.Decision {
		switch r.Emails[0] {
		case "hanako@suzuki.example":
			return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone}
		case "jiro@sato.example":
			return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: notify.Written("may imitate sato.example")}
		}
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	}
	if _, err := (respond.Books{Store: db, Decide: decide}).Import(ctx, "book.csv", strings.NewReader(book), respond.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	n := 0
	notices := respond.Notices{Store: db, MessageID: func() string { n++; return fmt.Sprintf("m%d@sakura.example", n) }}
	_, err := notices.Queue(ctx, notify.Deletion, respond.QueueOptions{Lang: "ja"})
	var unclassified *respond.UnclassifiedError
	if !errors.As(err, &unclassified) || unclassified.N != 1 {
		t.Fatalf("queued despite one unclassified: %v", err)
	}
	if st, _ := db.Status(ctx); st.Notices[notify.Queued] != 0 {
		t.Errorf("%d notices queued after the refusal", st.Notices[notify.Queued])
	}
	q, err := notices.Queue(ctx, notify.Deletion, respond.QueueOptions{Lang: "ja", AllowUnclassified: true})
	if err != nil || q != (respond.Queued{HeldBack: 1, Queued: 2}) {
		t.Errorf("allowed: %+v, %v; want two queued and the look-alike held back", q, err)
	}
}
