package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/wording"
)

const templatesUsage = `owabi templates looks at the notice templates.

Usage:
  owabi templates check     check that every notice tells what the law asks a notice to the
                            individual to tell (APPI; GDPR Art. 34 with incident.gdpr);
                            exit 1 when one does not. Then list the contacts whose notices
                            leave out a field of the book that holds a link, another
                            address or overlong text (by number; the notices still go)
`

func runTemplates(ctx context.Context, g *globals, e env, args []string) error {
	if err := subcommand(e, args, templatesUsage, "check"); err != nil {
		return err
	}
	if args[0] != "check" {
		return &usageError{msg: fmt.Sprintf("unknown templates command %q: use check", args[0])}
	}
	if err := parse(flags("templates check", g, e, ""), args[1:], 0); err != nil {
		return err
	}
	a, err := openTelling(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	checks, err := a.checkTemplates(ctx)
	if err != nil {
		return err
	}
	inc, err := a.db.Incident(ctx)
	if err != nil {
		return err
	}
	lacking := printTemplateChecks(e.stdout, checks, inc.GDPR)
	affected, err := fieldcheck.Survey(ctx, a.db)
	if err != nil {
		return err
	}
	printAffected(e.stdout, affected)
	if lacking > 0 {
		verb := "lack"
		if lacking == 1 {
			verb = "lacks"
		}
		return fmt.Errorf("%d of the %d notice templates %s what the law asks a notice to tell (listed above)", lacking, len(checks), verb)
	}
	return nil
}

// checkTemplates holds the notice templates against the law: those the
// sender writes from while it runs, else those owabi send would load. One
// read from templates.dir is named by its file there.
func (a *app) checkTemplates(ctx context.Context) ([]notify.TemplateCheck, error) {
	var comp *mailer.Composer
	if w := a.sender.Load(); w != nil {
		comp = w.Composer
	} else {
		var err error
		if comp, err = a.composer(ctx); err != nil {
			return nil, err
		}
	}
	checks, err := comp.CheckTemplates()
	if err != nil {
		return nil, err
	}
	if dir := a.cfg.Templates.Dir; dir != "" {
		for i := range checks {
			f := filepath.Join(a.cfg.path(dir), "mail", filepath.FromSlash(checks[i].Template))
			if _, err := os.Stat(f); err == nil {
				checks[i].File = f
			}
		}
	}
	return checks, nil
}

// printTemplateChecks writes a line for each template, and returns how
// many lack an item.
func printTemplateChecks(w io.Writer, checks []notify.TemplateCheck, gdpr bool) (lacking int) {
	laws := "APPI (個人情報保護法施行規則 第10条); GDPR Art. 34 does not apply (incident.gdpr is off)"
	if gdpr {
		laws = "APPI (個人情報保護法施行規則 第10条) and GDPR Art. 34(2)"
	}
	fmt.Fprintf(w, "What each notice tells, against what the law asks a notice to the individual to tell:\n%s.\n\n", laws)
	empty := false
	for _, c := range checks {
		verdict := "ok"
		if len(c.Lacks) > 0 {
			verdict = "LACKS " + itemNames(c.Lacks)
			lacking++
		}
		fmt.Fprintf(w, "%-26s %s\n", c.Template, verdict)
		if c.File != "" {
			fmt.Fprintf(w, "%-26s read from %s\n", "", c.File)
		}
		if len(c.Empty) > 0 {
			fmt.Fprintf(w, "%-26s the incident record leaves empty, so the notice cannot tell yet: %s\n", "", itemNames(c.Empty))
			empty = true
		}
	}
	if empty {
		fmt.Fprintln(w, "\nFill in the incident record's empty fields; each template tells them once they are there.")
	}
	return lacking
}

// itemNames lists items in English, each with the law's Japanese name.
func itemNames(items []notify.NoticeItem) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = fmt.Sprintf("%s (%s)", wording.Say("en", "item."+string(it)), wording.Say("ja", "item."+string(it)))
	}
	return strings.Join(names, "; ")
}

// printAffected lists the contacts whose notices leave a field out, by
// number only: names stay out of the terminal and its logs.
func printAffected(w io.Writer, a fieldcheck.Affected) {
	if a.Contacts == 0 && a.OwnerLeftOut == 0 {
		fmt.Fprintln(w, "\nNo contact's notices leave out a field of the book.")
		return
	}
	fmt.Fprintf(w, "\nContacts whose notices leave out a field of the book (a link, another person's address, or overlong text): %d\n", a.Contacts)
	for _, c := range a.Listed {
		why := make([]string, len(c.Findings))
		for i, f := range c.Findings {
			why[i] = wording.English(f.Said())
		}
		fmt.Fprintf(w, "  contact %d: %s\n", c.ID, strings.Join(why, "; "))
	}
	if more := a.Contacts - len(a.Listed); more > 0 {
		fmt.Fprintf(w, "  and %d more\n", more)
	}
	if a.OwnerLeftOut > 0 {
		fmt.Fprintf(w, "Contacts whose notices leave out their owner's name or phone (the owner's own entry holds something unsafe): %d\n", a.OwnerLeftOut)
	}
	fmt.Fprintln(w, "The notices still go, without those fields; check the entries against a copy of the book you trust.")
}
