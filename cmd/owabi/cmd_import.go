package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/store"
)

func runImport(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("import", g, e, "[--json] FILE")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := importFile(ctx, a.db, fs.Arg(0))
	if err != nil {
		return err
	}
	a.log.Info("imported", "records", rep.Records, "added", rep.Added, "updated", rep.Updated,
		"unchanged", rep.Unchanged, "merged", rep.Merged, "rejected", len(rep.Rejected))
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	printImport(e.stdout, rep)
	return nil
}

// importFile imports one Google Contacts CSV export in one transaction.
func importFile(ctx context.Context, db *store.DB, path string) (notify.ImportReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return notify.ImportReport{}, err
	}
	defer f.Close()
	return importReader(ctx, db, filepath.Base(path), f)
}

func importReader(ctx context.Context, db *store.DB, name string, r io.Reader) (notify.ImportReport, error) {
	book, err := addrbook.NewGoogleCSV(r)
	if err != nil {
		return notify.ImportReport{}, fmt.Errorf("%s: %w", name, err)
	}
	return db.Import(ctx, name, "google-csv", func() (notify.Record, *notify.Rejection, error) {
		rec, err := book.Next()
		var row *addrbook.RowError
		if errors.As(err, &row) {
			return rec, &notify.Rejection{Number: row.Number, Line: row.Line, Reason: row.Reason}, nil
		}
		return rec, nil, err
	})
}

func printImport(w io.Writer, r notify.ImportReport) {
	fmt.Fprintf(w, "Imported %s (Google Contacts CSV, UTF-8)\n", r.File)
	for _, row := range []struct {
		label string
		n     int
	}{
		{"entries read", r.Records}, {"contacts added", r.Added}, {"contacts updated", r.Updated},
		{"contacts unchanged", r.Unchanged}, {"entries merged", r.Merged}, {"addresses added", r.AddressesAdded},
		{"entries rejected", len(r.Rejected)},
	} {
		fmt.Fprintf(w, "  %-20s %6d\n", row.label, row.n)
	}
	for _, rej := range r.Rejected {
		fmt.Fprintf(w, "  rejected: line %d (entry %d): %s\n", rej.Line, rej.Number, rej.Reason)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
