package main

import (
	"context"
	"fmt"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/wording"
)

func runPreview(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("preview", g, e, "--kind deletion|apology --contact EMAIL [--lang ja|en] [--html | --raw]")
	kind := fs.String("kind", "", "the notice: deletion or apology")
	contact := fs.String("contact", "", "an e-mail address of the contact")
	lang := fs.String("lang", "", "the language (default: as queued, else organisation.language)")
	asHTML := fs.Bool("html", false, "print the HTML part instead of the text")
	raw := fs.Bool("raw", false, "print the whole encoded message as the SMTP server receives it")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	k, err := noticeKind(*kind)
	if err != nil {
		return err
	}
	email, err := addrbook.NormalizeEmail(*contact)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("--contact: %v", err)}
	}
	if *lang != "" {
		if err := checkLang(*lang); err != nil {
			return err
		}
	}
	a, err := openTelling(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	c, owner, err := a.db.ContactByEmail(ctx, email)
	if err != nil {
		return err
	}
	d := notify.Delivery{Notice: notify.Notice{Kind: k, Lang: a.cfg.Organisation.Language, Email: email, MessageID: "preview@owabi.invalid"}, Contact: c, Owner: owner}
	// A queued or sent notice shows exactly what goes or went out.
	notices, err := a.db.Notices(ctx, email)
	if err != nil {
		return err
	}
	for _, n := range notices {
		if n.Kind == k {
			d.Notice = n
		}
	}
	queuedLang := d.Lang
	if *lang != "" {
		d.Lang = *lang
	}
	comp, err := a.composer(ctx)
	if err != nil {
		return err
	}
	if *raw {
		m, err := comp.Compose(d, a.now())
		if err != nil {
			return err
		}
		_, err = m.WriteTo(e.stdout)
		return err
	}
	r, err := comp.Render(d)
	if err != nil {
		return err
	}
	if *asHTML {
		_, err = fmt.Fprint(e.stdout, r.HTML)
		return err
	}
	state := "not queued yet (the reference number is given when it is queued)"
	if d.ID != 0 {
		state = fmt.Sprintf("%s, notice %s, queued in %s", d.State, d.Ref(), queuedLang)
	}
	why := string(c.Rule)
	if !c.RuleDetail.IsZero() {
		why += ": " + wording.English(c.RuleDetail)
	}
	if c.Rule == notify.RuleNone {
		why = "no rule matched; run owabi classify, or decide in classify.overrides"
	}
	fmt.Fprintf(e.stdout, "From:     %s <%s>\nTo:       %s <%s>\nSubject:  %s\nState:    %s\nCategory: %s (%s)\n\n%s",
		a.cfg.organisation().In(d.Lang).FromName, a.cfg.Organisation.FromAddress, c.Name(), email, r.Subject, state,
		c.Category, why, r.Text)
	return nil
}
