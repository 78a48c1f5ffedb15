package main

import (
	"context"
	"fmt"
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
	if err := a.db.Audit(ctx, notify.AuditEntry{Kind: "backup", Detail: "backup written to " + path}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote a consistent copy of the database to %s (owner-only, checked).\n", path)
	return nil
}

func runRestore(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("restore", g, e, "FILE")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	// Nothing may write while the database is replaced.
	unlock, err := a.db.LockSender()
	if err != nil {
		return fmt.Errorf("stop owabi serve first: %w", err)
	}
	defer unlock()
	if err := a.db.Restore(ctx, fs.Arg(0)); err != nil {
		return err
	}
	a.log.Info("database restored from a backup")
	if err := a.db.Audit(ctx, notify.AuditEntry{Kind: "restore", Detail: "database restored from " + fs.Arg(0)}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s from %s. Start owabi serve again.\n", a.db.Path(), fs.Arg(0))
	return nil
}
