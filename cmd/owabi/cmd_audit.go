package main

import (
	"context"
	"fmt"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

const auditUsage = `owabi audit checks and shows the audit trail.

Usage:
  owabi audit verify        check that no entry was changed or removed
  owabi audit list [N]      the last N entries (default 50), newest first
`

func runAudit(ctx context.Context, g *globals, e env, args []string) error {
	if err := subcommand(e, args, auditUsage, "verify or list"); err != nil {
		return err
	}
	fs := flags("audit "+args[0], g, e, "")
	switch args[0] {
	case "verify":
		if err := parse(fs, args[1:], 0); err != nil {
			return err
		}
	case "list":
		if err := parse(fs, args[1:], zeroOrOne); err != nil {
			return err
		}
	default:
		return &usageError{msg: fmt.Sprintf("unknown audit command %q: use verify or list", args[0])}
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if args[0] == "list" {
		n := 50
		if fs.NArg() == 1 {
			if _, err := fmt.Sscan(fs.Arg(0), &n); err != nil || n < 1 {
				return &usageError{msg: fmt.Sprintf("%q is not a number of entries", fs.Arg(0))}
			}
		}
		entries, err := a.db.AuditTrail(ctx, notify.AuditFilter{Limit: n})
		if err != nil {
			return err
		}
		for _, en := range entries {
			contact := ""
			if en.ContactID != 0 {
				contact = fmt.Sprintf(" contact %d", en.ContactID)
			}
			fmt.Fprintf(e.stdout, "#%d %s %s %s%s: %s\n", en.ID, a.local(en.At), en.Actor, en.Kind, contact, wording.Audit("en", a.cfg.zone(), en))
		}
		return nil
	}
	check, err := a.db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if check.Broken != 0 {
		return fmt.Errorf("the audit trail is broken at entry #%d (of the %d checked): it, or the entry before it, "+
			"was changed, removed or inserted behind owabi's back", check.Broken, check.Entries)
	}
	fmt.Fprintf(e.stdout, "The audit trail holds %d entries, each chained to the one before: none before the last was changed or removed.\n"+
		"The last entry's hash is %x: write it down, or keep it with a backup; a later verify that does not reach it with this hash "+
		"means the end of the trail was cut or rewritten.\n", check.Entries, check.Head)
	return nil
}
