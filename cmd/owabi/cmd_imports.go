package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

func runImports(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("imports", g, e, "[--json] [--all] [ID]")
	asJSON := fs.Bool("json", false, "print as JSON (an import's, with every entry rejected or to check)")
	listedAt := fs.String("listed-at", "", `with ID: set when the persons concerned were listed from its book, "2006-01-02 15:04" (the reports' course of events)`)
	all := fs.Bool("all", false, "with ID: list every entry rejected or to check, not only the first "+strconv.Itoa(notify.KeptNotes)+" of each")
	if err := parse(fs, args, zeroOrOne); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if fs.NArg() == 1 {
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return &usageError{msg: fmt.Sprintf("%q is not an import number (see owabi imports)", fs.Arg(0))}
		}
		if *listedAt != "" {
			at, err := a.when(*listedAt)
			if err != nil {
				return err
			}
			if err := a.db.DateImport(ctx, id, at); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Import %d: the persons were listed %s.\n", id, a.local(at))
			return nil
		}
		rep, err := a.db.ImportReport(ctx, id)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeReportJSON(ctx, e.stdout, a.db, rep)
		}
		when := rep.At.In(a.cfg.zone()).Format("2006-01-02 15:04")
		if !*all {
			printImport(e.stdout, rep, when)
			return nil
		}
		out := bufio.NewWriter(e.stdout)
		printCounts(out, rep, when)
		for _, kind := range []notify.NoteKind{notify.RejectedNotes, notify.FlaggedNotes} {
			if err := a.db.EachImportNote(ctx, id, kind, func(n notify.EntryNote) error {
				printNote(out, kind, n)
				return nil
			}); err != nil {
				return err
			}
		}
		return out.Flush()
	}
	if *all || *listedAt != "" {
		return &usageError{msg: "--all and --listed-at are for one import: owabi imports --all ID"}
	}
	list, err := a.db.Imports(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "Nothing has been imported yet.")
		return nil
	}
	fmt.Fprintf(e.stdout, "%4s  %-16s  %7s %7s %7s %8s %8s  %s\n", "No.", "When", "entries", "added", "updated", "rejected", "to check", "file (format)")
	for _, s := range list {
		fmt.Fprintf(e.stdout, "%4d  %-16s  %7d %7d %7d %8d %8d  %s (%s)%s\n", s.ID, s.At.In(a.cfg.zone()).Format("2006-01-02 15:04"),
			s.Records, s.Added, s.Updated, s.Rejected, s.Flagged, s.File, addrbook.FormatNames[s.Format], importState[s.State])
	}
	return nil
}

// importState says, after an import in the list, that it has not finished.
var importState = map[string]string{
	notify.ImportRunning: "  running: the counts so far",
	notify.ImportStopped: "  left part-way by a process that stopped: the next import, or any command that writes, undoes it",
}
