package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/sheet"
)

func runExport(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("export", g, e, "[--lang ja|en] [--format csv|xlsx] FILE (- for standard output)")
	lang := fs.String("lang", "ja", "the language of the column names and categories: ja or en")
	format := fs.String("format", "", "csv, or xlsx for an Excel workbook (default: from FILE's extension, else csv)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if !slices.Contains(sheet.Languages, *lang) {
		return &usageError{msg: fmt.Sprintf("--lang %q: use ja or en", *lang)}
	}
	if *format == "" {
		*format = string(sheet.CSV)
		if strings.EqualFold(filepath.Ext(fs.Arg(0)), ".xlsx") {
			*format = string(sheet.XLSX)
		}
	}
	if !slices.Contains(sheet.Formats, sheet.Format(*format)) {
		return &usageError{msg: fmt.Sprintf("--format %q: use csv or xlsx", *format)}
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	path := fs.Arg(0)
	var n int
	err = writeOut(e, path, func(out io.Writer) (err error) {
		n, err = writeContacts(ctx, a, out, sheet.Format(*format), *lang)
		return err
	})
	if err != nil {
		return err
	}
	a.log.Info("exported", "contacts", n)
	if err := a.db.Audit(ctx, notify.AuditEntry{Kind: "export", Said: notify.Say("audit.export_file", n, path)}); err != nil {
		return err
	}
	written := notify.WrittenFile{Kind: notify.FileExport} // to standard output: where it went is not known
	if path != "-" && path != "" {
		written.Path, _ = filepath.Abs(path)
	}
	if err := a.db.RecordFile(ctx, written); err != nil {
		return err
	}
	if path != "-" {
		fmt.Fprintf(e.stdout, "Wrote %d contacts to %s (owner-only; it holds personal data).\n", n, path)
	}
	return nil
}

// writeContacts writes every contact as one spreadsheet row.
func writeContacts(ctx context.Context, a *app, out io.Writer, f sheet.Format, lang string) (int, error) {
	return sheet.ContactList(out, f, lang, a.cfg.zone(), func(fn func(notify.Contact, notify.ContactProgress) error) error {
		return a.db.EachContact(ctx, fn)
	})
}

// writeOut writes with write to standard output when path is "-" or "",
// else to a new file at path: owner-only, as what owabi writes may hold
// personal data, never over another file, and removed when writing fails.
func writeOut(e env, path string, write func(io.Writer) error) error {
	if path == "-" || path == "" {
		return write(e.stdout)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists; owabi never writes over a file, so give a new name", path)
	} else if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
