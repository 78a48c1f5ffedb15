package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/wording"
	"github.com/owabi/owabi/store"
)

func runImport(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("import", g, e, "[--json] [--dry-run] [--format F] [--map email=COLUMN,...] FILE...")
	asJSON := fs.Bool("json", false, "print the report as JSON (an array when there are several files)")
	dryRun := fs.Bool("dry-run", false, "report what the import would do, and write nothing")
	format := fs.String("format", "", "the file's format, when it should not be told from its content: "+strings.Join(formatNames(), ", "))
	listedAt := fs.String("listed-at", "", `when the persons concerned were listed from the book, "2006-01-02 15:04", if not now (the reports' course of events)`)
	mapping := fs.String("map", "", "the columns of a CSV in another layout, as field=header pairs, e.g. email=メール,name=氏名,company=会社名")
	if err := parse(fs, args, oneOrMore); err != nil {
		return err
	}
	if *format != "" && addrbook.FormatNames[*format] == "" {
		return &usageError{msg: fmt.Sprintf("--format %q: the formats are %s", *format, strings.Join(formatNames(), ", "))}
	}
	g, cleanup, err := beforeImport(g, e, *dryRun)
	if err != nil {
		return err
	}
	defer cleanup()
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	books, err := a.books(*mapping)
	if err != nil {
		return err
	}
	opt := respond.ImportOptions{DryRun: *dryRun, Format: *format}
	if *listedAt != "" {
		if opt.ListedAt, err = a.when(*listedAt); err != nil {
			return err
		}
	}
	// An import allocates a little for every cell and keeps next to
	// nothing, so collecting garbage a quarter as often saves a fifth of a
	// big import's time; the heap stays within tens of megabytes.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	// Every file is checked first, so that a mistyped third name does not
	// turn up after two files are in.
	for _, path := range fs.Args() {
		if err := readable(path); err != nil {
			return err
		}
	}
	var reports []notify.ImportReport
	for _, path := range fs.Args() {
		rep, err := importFile(ctx, books, path, opt, e.stderr)
		if err != nil {
			if len(reports) > 0 {
				err = fmt.Errorf("%w (the files before it were imported; this one and the ones after were not)", err)
				if *asJSON {
					writeReportsJSON(ctx, e.stdout, a.db, reports) // what was imported, for the script to know
				}
			}
			return err
		}
		a.log.Info("imported", "import", rep.ID, "records", rep.Records, "added", rep.Added, "updated", rep.Updated,
			"unchanged", rep.Unchanged, "merged", rep.Merged, "rejected", rep.RejectedCount, "flagged", rep.FlaggedCount)
		reports = append(reports, rep)
		if !*asJSON {
			printImport(e.stdout, rep, "")
		}
	}
	if *asJSON {
		if len(reports) == 1 {
			return writeReportJSON(ctx, e.stdout, a.db, reports[0])
		}
		return writeReportsJSON(ctx, e.stdout, a.db, reports)
	}
	if *dryRun {
		return nil
	}
	st, err := a.db.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "In the database now, from all imports: %d customers, %d suppliers, %d employees, %d unclassified.\n",
		st.Categories[notify.Customer], st.Categories[notify.Supplier], st.Categories[notify.Employee], st.Categories[notify.Unclassified])
	if waiting := st.WithoutNotice(notify.Deletion); waiting > 0 {
		fmt.Fprintf(e.stdout, "Next: %d addresses have no deletion request yet; \"owabi send --kind deletion\" queues them.\n", waiting)
	}
	return nil
}

// readable checks that path is a file owabi can open, before anything is
// imported.
func readable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder, not an address-book file", path)
	}
	return nil
}

func formatNames() []string {
	var names []string
	for f := range addrbook.FormatNames {
		names = append(names, f)
	}
	slices.Sort(names)
	return names
}

// beforeImport checks what an import needs from the config (the master
// lists) before the database is made, and gives a dry run against no
// database yet a temporary one, removed by cleanup: neither leaves an
// empty database behind.
func beforeImport(g *globals, e env, dryRun bool) (_ *globals, cleanup func(), err error) {
	cleanup = func() {}
	cfg, err := LoadConfig(g.config, e.getenv)
	if err != nil {
		return g, cleanup, err
	}
	if _, err := cfg.classifier(); err != nil {
		return g, cleanup, err
	}
	path := cfg.path(cfg.Store.Path)
	if g.db != "" {
		path = cfg.path(g.db) // as openDB reads it: beside the config
	}
	if _, err := os.Stat(path); !dryRun || !errors.Is(err, os.ErrNotExist) {
		return g, cleanup, nil
	}
	dir, err := os.MkdirTemp("", "owabi-dry-run-")
	if err != nil {
		return g, cleanup, err
	}
	dry := *g
	dry.db = filepath.Join(dir, "owabi.db")
	return &dry, func() { os.RemoveAll(dir) }, nil
}

// books imports books into this database as this config reads and
// classifies them: with the classifier, and the columns of a CSV in
// another layout from mapping (--map) or, when that is empty, import.map.
func (a *app) books(mapping string) (respond.Books, error) {
	b := respond.Books{Store: a.db}
	if mapping == "" {
		mapping = a.cfg.Import.Map // checked when the config was read
	}
	var err error
	if mapping != "" {
		if b.Map, err = addrbook.ParseMapping(mapping); err != nil {
			return b, &usageError{msg: "--map " + err.Error()}
		}
	}
	c, err := a.cfg.classifier()
	if err != nil {
		return b, err
	}
	b.Decide = c.Classify
	return b, nil
}

// importFile imports one address-book file in one transaction, with a
// progress bar when term is a terminal.
func importFile(ctx context.Context, books respond.Books, path string, opt respond.ImportOptions, term io.Writer) (notify.ImportReport, error) {
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
	opt.Entry = p.entry
	return books.Import(ctx, filepath.Base(path), p.reader(f), opt)
}

// printImport prints a report: its counts, the notes it holds (the first
// notify.KeptNotes of each kind), and how many more there are.
func printImport(w io.Writer, r notify.ImportReport, when string) {
	printCounts(w, r, when)
	for _, kind := range []notify.NoteKind{notify.RejectedNotes, notify.FlaggedNotes} {
		kept, count := r.Notes(kind)
		for _, n := range kept {
			printNote(w, kind, n)
		}
		if more := count - len(kept); more > 0 && r.DryRun {
			fmt.Fprintf(w, "  %-9s %s more, not shown: a dry run keeps the first %d\n", noteLabel[kind], wording.Number(more), len(kept))
		} else if more > 0 {
			fmt.Fprintf(w, "  %-9s %s more, not shown: \"owabi imports --all %d\" lists every one\n", noteLabel[kind], wording.Number(more), r.ID)
		}
	}
}

// printCounts prints what a report counts; when is "" for an import just
// made, or the time of a stored one.
func printCounts(w io.Writer, r notify.ImportReport, when string) {
	switch {
	case r.DryRun:
		fmt.Fprintf(w, "Dry run, nothing written: would import %s", r.File)
	case when != "":
		fmt.Fprintf(w, "Import %d of %s: %s", r.ID, when, r.File)
	default:
		fmt.Fprintf(w, "Imported %s (import %d)", r.File, r.ID)
	}
	fmt.Fprintf(w, " (%s, %s)\n", addrbook.FormatNames[r.Format], r.Encoding)
	for _, row := range []struct {
		label string
		n     int
	}{
		{"entries read", r.Records}, {"contacts added", r.Added}, {"contacts updated", r.Updated},
		{"contacts unchanged", r.Unchanged}, {"entries merged", r.Merged}, {"addresses added", r.AddressesAdded},
		{"entries rejected", r.RejectedCount}, {"entries to check", r.FlaggedCount},
	} {
		fmt.Fprintf(w, "  %-20s %6d\n", row.label, row.n)
	}
}

// printNote prints one note of an entry.
func printNote(w io.Writer, kind notify.NoteKind, n notify.EntryNote) {
	fmt.Fprintf(w, "  %-9s line %d (entry %d): %s\n", noteLabel[kind], n.Line, n.Number, wording.Short(wording.English(n.Reason)))
}

// noteLabel starts the lines of a kind of notes.
var noteLabel = map[notify.NoteKind]string{notify.RejectedNotes: "rejected:", notify.FlaggedNotes: "check:"}

// eachNote calls fn with every note of a kind of rep: those stored, read
// a page at a time; those a dry run's report holds, which are all there is.
func eachNote(ctx context.Context, db *store.DB, rep notify.ImportReport, kind notify.NoteKind, fn func(notify.EntryNote) error) error {
	if rep.DryRun {
		kept, _ := rep.Notes(kind)
		for _, n := range kept {
			if err := fn(n); err != nil {
				return err
			}
		}
		return nil
	}
	return db.EachImportNote(ctx, rep.ID, kind, fn)
}

// writeReportJSON writes rep as writeJSON would with all its notes in it,
// each read from db as it is written out: a million notes are never held.
func writeReportJSON(ctx context.Context, w io.Writer, db *store.DB, rep notify.ImportReport) error {
	bw := bufio.NewWriter(w)
	if err := streamReport(ctx, bw, db, rep, ""); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// writeReportsJSON writes reports as a JSON array, as writeReportJSON
// writes one.
func writeReportsJSON(ctx context.Context, w io.Writer, db *store.DB, reports []notify.ImportReport) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, rep := range reports {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  ")
		if err := streamReport(ctx, bw, db, rep, "  "); err != nil {
			return err
		}
	}
	if len(reports) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// streamReport writes rep as indented JSON, each line after the first
// starting with prefix: the report without its notes, encoded, and then
// its lists of notes, one note at a time.
func streamReport(ctx context.Context, w *bufio.Writer, db *store.DB, rep notify.ImportReport, prefix string) error {
	head := rep
	head.Rejected, head.Flagged = nil, nil
	b, err := json.MarshalIndent(head, prefix, "  ")
	if err != nil {
		return err
	}
	w.Write(b[:len(b)-len("\n"+prefix+"}")]) // the lists go before the closing brace
	for _, kind := range []notify.NoteKind{notify.RejectedNotes, notify.FlaggedNotes} {
		fmt.Fprintf(w, ",\n%s  %q: [", prefix, kind)
		count := 0
		err := eachNote(ctx, db, rep, kind, func(n notify.EntryNote) error {
			if count++; count > 1 {
				w.WriteString(",")
			}
			b, err := json.MarshalIndent(noteJSON{n.Number, n.Line, wording.English(n.Reason), n.Reason.Key}, prefix+"    ", "  ")
			w.WriteString("\n" + prefix + "    ")
			w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		if count > 0 {
			w.WriteString("\n" + prefix + "  ")
		}
		w.WriteString("]")
	}
	w.WriteString("\n" + prefix + "}")
	return nil
}

// noteJSON is a note as owabi's JSON gives it: the reason in English, and
// the key of what it says, for a script to tell reasons apart.
type noteJSON struct {
	Number int    `json:"record"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Code   string `json:"code"`
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
