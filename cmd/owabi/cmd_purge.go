package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// runPurge erases the personal data once the incident is closed. It shows
// what it will erase and goes on only when the operator types the word
// notify.PurgeWord; --yes stands for typing it, for a script, and only
// when no one is at a terminal to type it.
func runPurge(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("purge", g, e, "[--yes] [--despite-broken-audit] [--files]")
	yes := fs.Bool("yes", false, `confirm without typing "`+notify.PurgeWord+`" (only with standard input not a terminal, for scripts)`)
	despite := fs.Bool("despite-broken-audit", false, "purge even though the audit trail is broken (after finding out why); the purge records where it broke")
	files := fs.Bool("files", false, "delete too the files owabi wrote outside the database that still hold the personal data "+
		"(backups, exported contact lists, the copies kept before a restore, the demo's captured mails)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	f, ok := e.stdin.(*os.File)
	if *yes && ok && term.IsTerminal(int(f.Fd())) {
		return &usageError{msg: fmt.Sprintf("--yes is for scripts: at a terminal, type %q when asked", notify.PurgeWord)}
	}
	// Nothing may send while the addresses go. (The web app purges
	// beside the daemon's sender: see store.DB.Purge.)
	a, done, err := openAlone(ctx, g, e)
	if err != nil {
		return err
	}
	defer done()
	rep, err := a.db.PurgePreview(ctx)
	if err != nil {
		return err
	}
	if rep.Broken != 0 && !*despite {
		_, err := a.db.Purge(ctx, false) // refused, saying why and what to do
		return err
	}
	if rep.At.IsZero() {
		fmt.Fprintf(e.stdout, "owabi purge erases for good the personal data this database holds of the leaked address book,\n"+
			"once the incident is closed and the final reports are filed and accepted:\n\n")
		printPurge(e.stdout, rep)
		fmt.Fprintf(e.stdout, "\nIt keeps the contacts' categories and states, the notices, calls and acknowledgements as counts,\n"+
			"the dashboard and reports, the staff accounts, and the audit trail (its entries that may name someone read %q).\n", notify.Purged)
		if !*yes {
			fmt.Fprintf(e.stderr, "\nType %q to erase it: ", notify.PurgeWord)
			line, _ := bufio.NewReader(e.stdin).ReadString('\n')
			if strings.TrimSpace(line) != notify.PurgeWord {
				return fmt.Errorf("not confirmed: nothing was erased")
			}
		}
		// Holding the lock, a notice left "sending" was left by a sender
		// that died: it waits, and is withdrawn with the rest.
		if _, err := a.db.RequeueInFlight(ctx); err != nil {
			return err
		}
	}
	rep, err = a.db.Purge(ctx, *despite)
	if err != nil {
		return err
	}
	if !rep.At.IsZero() {
		fmt.Fprintf(e.stdout, "The personal data was purged on %s by %s. Erased now, of what came in since:\n", a.local(rep.At), rep.By)
		printPurge(e.stdout, rep)
		fmt.Fprintln(e.stdout, "The database file was rewritten again.")
	} else {
		a.log.Info("personal data purged", "contacts", rep.Contacts, "addresses", rep.Addresses)
		fmt.Fprintf(e.stdout, "\nPurged:\n")
		printPurge(e.stdout, rep)
		fmt.Fprintf(e.stdout, "The database file was rewritten without them. The audit trail's last hash before the purge was %x.\n", rep.Head)
	}
	return leftBehind(ctx, a, e.stdout, *files)
}

// printPurge says what a purge erases, counts only.
func printPurge(w io.Writer, rep notify.PurgeReport) {
	for _, l := range []struct {
		n    int
		what string
	}{
		{rep.Contacts, "contacts: names, readings, companies, departments, titles, phones, labels, notes"},
		{rep.Addresses, "e-mail addresses"},
		{rep.Calls, "notes of calls"},
		{rep.Replies, "replies' first lines and Message-IDs"},
		{rep.Reasons, "reasons typed for a change"},
		{rep.Imports, "names of imported files"},
		{rep.ImportEntries, "notes on imported entries"},
		{rep.Notices, "mail servers' replies"},
		{rep.AuditDetails, "audit entries' details"},
		{rep.Links, "personal confirmation links"},
		{rep.Withdrawn, "notices waiting to be sent (withdrawn)"},
	} {
		fmt.Fprintf(w, "  %8d  %s\n", l.n, l.what)
	}
}

// leftBehind tells, in Japanese and in English, that the files owabi
// wrote outside the database still hold the personal data, and lists
// those still there (notify.LeftBehind); with remove, it deletes first
// those whose place it knows.
func leftBehind(ctx context.Context, a *app, w io.Writer, remove bool) error {
	written, err := a.db.WrittenFiles(ctx)
	if err != nil {
		return err
	}
	at, _, err := a.db.Purged(ctx)
	if err != nil {
		return err
	}
	var left []notify.WrittenFile
	for _, f := range notify.LeftBehind(written, at) {
		if !remove || !f.CanRemove() {
			left = append(left, f)
			continue
		}
		if err := f.Remove(); err != nil {
			return fmt.Errorf("deleting %s: %w", f.Path, err)
		}
		fmt.Fprintf(w, "削除しました / deleted: %s\n", f.Path)
	}
	for _, lang := range []string{"ja", "en"} {
		fmt.Fprintf(w, "\n%s\n", wording.FilesLeft(lang, left))
		for _, f := range left {
			fmt.Fprintf(w, "  %s\n", wording.File(lang, f, a.cfg.zone()))
		}
		fmt.Fprintln(w, wording.FilesOthers(lang))
	}
	return nil
}
