package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/report"
	"github.com/owabi/owabi/templates"
)

func runReport(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("report", g, e, "--kind incident|ppc|public [--final] [--lang ja|en] [--format html|md] [--as-of TIME] [FILE]")
	kind := fs.String("kind", "", "incident (the Privacy Mark layout), ppc (the items of the PPC's form) or public (the notice for the website)")
	final := fs.Bool("final", false, "ppc: the final report (確報) instead of the preliminary one (速報)")
	lang := fs.String("lang", "ja", "ja or en")
	format := fs.String("format", "html", "html (a page to print on A4) or md (Markdown text)")
	asOf := fs.String("as-of", "", `write it as of an earlier time, "2006-01-02 15:04": its counts and course of events are what had happened by then`)
	if err := parse(fs, args, zeroOrOne); err != nil {
		return err
	}
	switch {
	case !slices.Contains(report.Kinds, report.Kind(*kind)):
		return &usageError{msg: fmt.Sprintf("--kind %q: use incident, ppc or public", *kind)}
	case *lang != "ja" && *lang != "en":
		return &usageError{msg: fmt.Sprintf("--lang %q: use ja or en", *lang)}
	case !slices.Contains(report.Formats, report.Format(*format)):
		return &usageError{msg: fmt.Sprintf("--format %q: use html or md", *format)}
	}
	a, err := openTelling(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	in := report.Input{Kind: report.Kind(*kind), Lang: *lang, Final: *final, Org: a.cfg.organisation(), Zone: a.cfg.zone()}
	if *asOf != "" {
		if in.AsOf, err = a.when(*asOf); err != nil {
			return err
		}
		if in.AsOf.After(a.db.Now()) {
			return &usageError{msg: fmt.Sprintf("--as-of %s has not come yet", *asOf)}
		}
	}
	err = writeOut(e, fs.Arg(0), func(out io.Writer) (err error) {
		in, err = report.Produce(ctx, a.db, in, report.Format(*format), templates.FS, out)
		return err
	})
	if err != nil {
		return err
	}
	return a.db.Audit(ctx, notify.AuditEntry{Kind: "report", Said: in.Describe(*format)})
}
