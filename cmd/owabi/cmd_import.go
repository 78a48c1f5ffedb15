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
	fs := flags("import", g, e, "[--json] [--dry-run] FILE")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	dryRun := fs.Bool("dry-run", false, "report what the import would do, and write nothing")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	decide, err := a.decider()
	if err != nil {
		return err
	}
	rep, err := importFile(ctx, a.db, fs.Arg(0), *dryRun, decide, e.stderr)
	if err != nil {
		return err
	}
	a.log.Info("imported", "records", rep.Records, "added", rep.Added, "updated", rep.Updated,
		"unchanged", rep.Unchanged, "merged", rep.Merged, "rejected", len(rep.Rejected))
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	printImport(e.stdout, rep)
	if rep.DryRun {
		return nil
	}
	st, err := a.db.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Contacts classified as they were stored: %d customers, %d suppliers, %d employees, %d unclassified in all.\n",
		st.Categories[notify.Customer], st.Categories[notify.Supplier], st.Categories[notify.Employee], st.Categories[notify.Unclassified])
	return nil
}

// importFile imports one Google Contacts CSV export in one transaction,
// classifying contacts as they are stored, with a progress bar when term
// is a terminal.
func importFile(ctx context.Context, db *store.DB, path string, dryRun bool, decide store.Decide, term io.Writer) (notify.ImportReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return notify.ImportReport{}, err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	p := newProgress(term, size)
	defer p.done()
	return importReader(ctx, db, notify.ImportReport{File: filepath.Base(path), DryRun: dryRun}, p.reader(f), decide, p)
}

// importReader imports a Google Contacts CSV in whatever encoding it came.
func importReader(ctx context.Context, db *store.DB, rep notify.ImportReport, r io.Reader, decide store.Decide, p *progress) (notify.ImportReport, error) {
	text, encoding := addrbook.Decode(r)
	rep.Encoding = encoding
	book, err := addrbook.NewGoogleCSV(text)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", rep.File, err)
	}
	rep.Format = book.Format()
	return db.Import(ctx, rep, func() (notify.Record, *notify.Rejection, error) {
		rec, err := book.Next()
		p.entry()
		var row *addrbook.RowError
		if errors.As(err, &row) {
			return rec, &notify.Rejection{Number: row.Number, Line: row.Line, Reason: row.Reason}, nil
		}
		return rec, nil, err
	}, decide)
}

func printImport(w io.Writer, r notify.ImportReport) {
	verb := "Imported"
	if r.DryRun {
		verb = "Dry run, nothing written: would import"
	}
	format := map[string]string{"google-csv": "Google Contacts CSV", "google-csv-old": `Google Contacts CSV, older "Google CSV" layout`}[r.Format]
	fmt.Fprintf(w, "%s %s (%s, %s)\n", verb, r.File, format, r.Encoding)
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
