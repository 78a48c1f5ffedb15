package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/sheet"
)

// exportHeaders are the export's column names, by language.
var exportHeaders = map[string][]string{
	"ja": {"番号", "氏名", "フリガナ", "会社名", "部署", "役職", "メールアドレス", "電話", "区分", "判定の理由", "担当"},
	"en": {"No.", "Name", "Phonetic name", "Company", "Department", "Title", "E-mail addresses", "Phones", "Category", "Why", "Owner"},
}

// categoryNames are the categories as the export's readers call them.
var categoryNames = map[string]map[notify.Category]string{
	"ja": {notify.Customer: "顧客", notify.Supplier: "仕入先", notify.Employee: "社員", notify.Unclassified: "未分類"},
	"en": {notify.Customer: "customer", notify.Supplier: "supplier", notify.Employee: "employee", notify.Unclassified: "unclassified"},
}

func runExport(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("export", g, e, "[--lang ja|en] FILE (- for standard output)")
	lang := fs.String("lang", "ja", "the language of the column names and categories: ja or en")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if exportHeaders[*lang] == nil {
		return &usageError{msg: fmt.Sprintf("--lang %q: use ja or en", *lang)}
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	path := fs.Arg(0)
	var out io.Writer = e.stdout
	var f *os.File
	if path != "-" {
		// The list is personal data: owner-only, and never over another file.
		if f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; owabi never writes over a file, so give a new name", path)
		} else if err != nil {
			return err
		}
		out = f
	}
	n, err := writeContacts(ctx, a, out, *lang)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}
	if err != nil {
		return err
	}
	a.log.Info("exported", "contacts", n)
	if path != "-" {
		fmt.Fprintf(e.stdout, "Wrote %d contacts to %s (owner-only; it holds personal data).\n", n, path)
	}
	return nil
}

// writeContacts writes every contact as one spreadsheet row.
func writeContacts(ctx context.Context, a *app, out io.Writer, lang string) (int, error) {
	w := sheet.NewWriter(out)
	if err := w.Write(exportHeaders[lang]); err != nil {
		return 0, err
	}
	n := 0
	err := a.db.EachContact(ctx, func(c notify.Contact) error {
		n++
		return w.Write([]string{fmt.Sprint(c.ID), c.Name(), strings.TrimSpace(c.FamilyKana + " " + c.GivenKana),
			c.Company, c.Department, c.Title, strings.Join(c.Emails, "\n"), strings.Join(c.Phones, "\n"),
			categoryNames[lang][c.Category], c.RuleDetail, c.OwnerEmail})
	})
	if err != nil {
		return n, err
	}
	return n, w.Flush()
}
