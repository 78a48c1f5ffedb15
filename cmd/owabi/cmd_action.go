package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

var actionUsage = `owabi action records the steps of the response taken outside owabi — the
account's password changed, the address book deleted, the notice published, a
report filed — with when each was done, for the reports' course of events.

Usage:
  owabi action add --kind KIND [--at TIME] [--by WHO] [--note TEXT]
  owabi action list                 every step recorded, in the order done
  owabi action edit ID [--at TIME] [--by WHO] [--note TEXT]

Kinds: ` + actionKinds + `
TIME is "2006-01-02 15:04" in organisation.time_zone (default: now).
`

var actionKinds = func() string {
	var names []string
	for _, k := range notify.ActionKinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}()

func runAction(ctx context.Context, g *globals, e env, args []string) error {
	if err := subcommand(e, args, actionUsage, "add, list or edit"); err != nil {
		return err
	}
	fs := flags("action "+args[0], g, e, "")
	kind := fs.String("kind", "", "what was done: "+actionKinds)
	at := fs.String("at", "", `when it was done, "2006-01-02 15:04" in organisation.time_zone (default: now)`)
	by := fs.String("by", "", "who did it, in words (a person or a department)")
	note := fs.String("note", "", "a short text: what exactly (required for other)")
	nargs := map[string]int{"add": 0, "list": 0, "edit": 1}
	n, ok := nargs[args[0]]
	if !ok {
		return &usageError{msg: fmt.Sprintf("unknown action command %q: use add, list or edit", args[0])}
	}
	rest := args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") { // edit ID --at ...: the flags may follow the number
		rest = append(rest[1:], rest[0])
	}
	if err := parse(fs, rest, n); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	switch args[0] {
	case "list":
		list, err := a.db.Actions(ctx)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(e.stdout, "No steps recorded yet: owabi action add --kind ... records one.")
		}
		for _, s := range list {
			fmt.Fprintf(e.stdout, "#%d %s %s", s.ID, a.local(s.At), s.Kind)
			for _, v := range []string{s.By, s.Note} {
				if v != "" {
					fmt.Fprintf(e.stdout, " · %s", v)
				}
			}
			fmt.Fprintf(e.stdout, " (recorded %s by %s)\n", a.local(s.RecordedAt), s.RecordedBy)
		}
		return nil
	case "add":
		s := notify.Action{Kind: notify.ActionKind(*kind), By: *by, Note: *note}
		if s.At, err = a.when(*at); err != nil {
			return err
		}
		id, err := a.db.AddAction(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Recorded #%d: %s, done %s.\n", id, s.Kind, a.local(s.At))
		return nil
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("%q is not a step's number (see owabi action list)", fs.Arg(0))}
	}
	if *kind != "" {
		return &usageError{msg: "a step's kind stays: record the right one with owabi action add"}
	}
	list, err := a.db.Actions(ctx)
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.ID != id {
			continue
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["at"] {
			if s.At, err = a.when(*at); err != nil {
				return err
			}
		}
		if set["by"] {
			s.By = *by
		}
		if set["note"] {
			s.Note = *note
		}
		if err := a.db.EditAction(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Corrected #%d: %s, done %s.\n", id, s.Kind, a.local(s.At))
		return nil
	}
	return notify.Errorf(notify.ENOTFOUND, "there is no step #%d (see owabi action list)", id)
}

// when reads a time given on the command line in the organisation's
// zone; empty, it is now.
func (a *app) when(v string) (time.Time, error) {
	if v == "" {
		return a.db.Now(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, a.cfg.zone()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &usageError{msg: fmt.Sprintf(`%q is not a time like "2012-12-22 09:30"`, v)}
}
