package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/owabi/owabi/notify"
)

func runBackup(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("backup", g, e, "FILE")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	path, _ := filepath.Abs(fs.Arg(0))
	if err := a.db.Backup(ctx, path); err != nil {
		return err
	}
	a.log.Info("backup written")
	if err := a.db.Audit(ctx, notify.AuditEntry{Kind: "backup", Said: notify.Say("audit.backup", path)}); err != nil {
		return err
	}
	if err := a.db.RecordFile(ctx, notify.WrittenFile{Kind: notify.FileBackup, Path: path}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote a consistent copy of the database to %s (owner-only, checked).\n", path)
	return nil
}

func runRestore(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("restore", g, e, "[--undo-purge] FILE")
	undoPurge := fs.Bool("undo-purge", false, "restore a backup made before the database was purged, bringing the personal data back (to undo a purge made in error)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	// Nothing may write while the database is replaced.
	a, done, err := openAlone(ctx, g, e)
	if err != nil {
		return err
	}
	defer done()
	// What is there now is kept, in case the backup was the wrong one.
	before := a.db.BeforeRestorePath(a.db.Now())
	if err := a.db.Backup(ctx, before); err != nil {
		return fmt.Errorf("keeping the database as it is before restoring: %w", err)
	}
	if err := a.db.Restore(ctx, fs.Arg(0), *undoPurge); err != nil {
		if code := notify.ErrorCode(err); code == notify.ECONFLICT || code == notify.EINVALID {
			os.Remove(before) // refused before anything was replaced
		}
		return err
	}
	a.log.Info("database restored from a backup")
	if err := a.db.Audit(ctx, notify.AuditEntry{Kind: "restore", Said: notify.Say("audit.restore", fs.Arg(0))}); err != nil {
		return err
	}
	if err := a.db.RecordFile(ctx, notify.WrittenFile{Kind: notify.FileBeforeRestore, Path: before}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s from %s; the database as it was is kept at %s.\n"+
		"Notices sent after the backup was made count as not sent again, and will go out again (with the same Message-ID).\n"+
		"Start owabi serve again.\n", a.db.Path(), fs.Arg(0), before)
	return nil
}

// openAlone opens the database for a command that must not run beside
// owabi serve: it holds the sender lock until done is called.
func openAlone(ctx context.Context, g *globals, e env) (a *app, done func(), err error) {
	a, err = openExisting(ctx, g, e)
	if err != nil {
		return nil, nil, err
	}
	unlock, err := a.db.LockSender()
	if err != nil {
		a.Close()
		return nil, nil, fmt.Errorf("stop owabi serve first: %w", err)
	}
	return a, func() { unlock(); a.Close() }, nil
}
