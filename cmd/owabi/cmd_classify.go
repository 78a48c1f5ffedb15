package main

import (
	"context"
	"fmt"
	"io"

	"github.com/owabi/owabi/notify"
)

func runClassify(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("classify", g, e, "[--json]")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.classify(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	printClassify(e.stdout, rep)
	return nil
}

// classify decides every contact's category and owner again, after the
// rules or master lists changed.
func (a *app) classify(ctx context.Context) (notify.ClassifyReport, error) {
	c, err := a.cfg.classifier()
	if err != nil {
		return notify.ClassifyReport{}, err
	}
	rep, err := a.db.Classify(ctx, c.Classify)
	if err == nil {
		a.log.Info("classified", "customers", rep.Categories[notify.Customer], "suppliers", rep.Categories[notify.Supplier],
			"employees", rep.Categories[notify.Employee], "unclassified", rep.Categories[notify.Unclassified], "changed", rep.Changed)
	}
	return rep, err
}

func printClassify(w io.Writer, r notify.ClassifyReport) {
	fmt.Fprintln(w, "Classified the contacts:")
	for _, c := range notify.Categories {
		fmt.Fprintf(w, "  %-14s %6d\n", c, r.Categories[c])
	}
	fmt.Fprintln(w, "Decided by:")
	for _, rule := range []notify.Rule{notify.RuleManual, notify.RuleOwnDomain, notify.RuleMasterDomain,
		notify.RuleMasterCompany, notify.RuleLabel, notify.RuleLookAlike, notify.RuleNone} {
		if n := r.Rules[rule]; n > 0 {
			fmt.Fprintf(w, "  %-20s %6d\n", rule, n)
		}
	}
	fmt.Fprintf(w, "%d contacts changed category or owner.\n", r.Changed)
	if n := r.Categories[notify.Unclassified]; n > 0 {
		fmt.Fprintf(w, "%d contacts are unclassified: add them to a master list, give them a label, or set classify.overrides.\n", n)
	}
	if n := r.Rules[notify.RuleLookAlike]; n > 0 {
		fmt.Fprintf(w, "%d of them have an address that may imitate the organisation's or a master's domain: no label or company name decides them; "+
			"check who they are, then decide on the web app's contact page or in classify.overrides.\n", n)
	}
}
