package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"unicode"

	"golang.org/x/term"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/web"
)

const userUsage = `owabi user manages the staff accounts of the web app.

Usage:
  owabi user add --role manager|sales [--email ADDRESS] [--password-stdin] NAME
  owabi user password [--password-stdin] NAME
  owabi user list
  owabi user access NAME own|all
  owabi user disable NAME

A salesperson's --email is their own address in the book: the contacts
whose owner it is are theirs. "access NAME all" lets a salesperson see and
call every contact (covering for a colleague); "own" takes it back. Without --password-stdin the password is
asked for at a prompt (it is not shown as it is typed).
`

func runUser(ctx context.Context, g *globals, e env, args []string) error {
	if err := subcommand(e, args, userUsage, "add, password, list, access or disable"); err != nil {
		return err
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, g, e, args[1:])
	case "list":
		return runUserList(ctx, g, e, args[1:])
	case "disable":
		return runUserDisable(ctx, g, e, args[1:])
	case "password":
		return runUserPassword(ctx, g, e, args[1:])
	case "access":
		return runUserAccess(ctx, g, e, args[1:])
	}
	return &usageError{msg: fmt.Sprintf("unknown user command %q: use add, password, list, access or disable", args[0])}
}

func runUserAdd(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("user add", g, e, "--role manager|sales [--email ADDRESS] [--display-name NAME] [--password-stdin] NAME")
	role := fs.String("role", "", "manager (sees everything, steers) or sales (calls their own contacts)")
	email := fs.String("email", "", "the person's own e-mail address in the book (sales staff: their contacts are the ones they own)")
	display := fs.String("display-name", "", `who they are, as colleagues know them ("大塚 浩二"); default: the book's name for --email`)
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	u := notify.User{Name: strings.TrimSpace(fs.Arg(0)), Role: notify.Role(*role), DisplayName: strings.Join(strings.Fields(*display), " ")}
	if strings.ContainsFunc(u.DisplayName, unicode.IsControl) {
		return &usageError{msg: "--display-name: no control characters"}
	}
	if u.Role != notify.Manager && u.Role != notify.Sales {
		return &usageError{msg: "--role must be manager or sales"}
	}
	if u.Name == "" || strings.ContainsFunc(u.Name, func(r rune) bool { return r < ' ' || r == ' ' }) {
		return &usageError{msg: "the name must be one word without spaces, e.g. suzuki"}
	}
	if *email != "" {
		n, err := addrbook.NormalizeEmail(*email)
		if err != nil {
			return &usageError{msg: "--email: " + err.Error()}
		}
		u.Email = n
	}
	hash, err := newPasswordHash(e, *fromStdin)
	if err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if u, err = a.db.AddUser(ctx, u, hash); err != nil {
		return err
	}
	a.log.Info("user added", "user", u.ID, "role", u.Role)
	fmt.Fprintf(e.stdout, "Added %s (%s). They sign in at %s\n", u.Name, u.Role, a.webURL(a.cfg.Web.Addr))
	return nil
}

// newPasswordHash reads a new password and returns its hash, or says in
// words why the password will not do.
func newPasswordHash(e env, fromStdin bool) ([]byte, error) {
	password, err := readPassword(e, fromStdin)
	if err != nil {
		return nil, err
	}
	switch {
	case len([]rune(password)) < web.MinPassword:
		return nil, fmt.Errorf("the password is too short: use at least %d characters", web.MinPassword)
	case len(password) > 72: // bcrypt reads no further
		return nil, fmt.Errorf("the password is too long: use at most 72 bytes (24 Japanese characters, or 72 letters and digits)")
	}
	return web.HashPassword(password)
}

func runUserPassword(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("user password", g, e, "[--password-stdin] NAME")
	fromStdin := fs.Bool("password-stdin", false, "read the new password from the first line of standard input")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	hash, err := newPasswordHash(e, *fromStdin)
	if err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.db.SetPassword(ctx, fs.Arg(0), hash); err != nil {
		return err
	}
	a.log.Info("password changed")
	fmt.Fprintf(e.stdout, "Set a new password for %s; they are signed out everywhere.\n", fs.Arg(0))
	return nil
}

// readPassword reads the password from standard input's first line, or asks
// for it twice at a terminal without showing it.
func readPassword(e env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("--password-stdin: nothing on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &usageError{msg: "no terminal to ask for the password on; pipe it in with --password-stdin"}
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		return string(b), err
	}
	p1, err := ask("Password: ")
	if err != nil {
		return "", err
	}
	p2, err := ask("Again: ")
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", fmt.Errorf("the two passwords differ; nothing was changed")
	}
	return p1, nil
}

func runUserList(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("user list", g, e, "")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	users, err := a.db.Users(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(e.stdout, `No accounts yet: add one with "owabi user add --role manager NAME".`)
		return nil
	}
	fmt.Fprintf(e.stdout, "%-20s %-8s %-9s %-6s %-32s %s\n", "name", "role", "state", "sees", "e-mail", "display name")
	for _, u := range users {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		sees := "own"
		if u.AllContacts || u.Role == notify.Manager {
			sees = "all"
		}
		fmt.Fprintf(e.stdout, "%-20s %-8s %-9s %-6s %-32s %s\n", u.Name, u.Role, state, sees, u.Email, u.DisplayName)
	}
	return nil
}

func runUserAccess(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("user access", g, e, "NAME own|all")
	if err := parse(fs, args, 2); err != nil {
		return err
	}
	all := fs.Arg(1) == "all"
	if !all && fs.Arg(1) != "own" {
		return &usageError{msg: fmt.Sprintf("%q: say own (their contacts) or all (every contact)", fs.Arg(1))}
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.db.SetAllContacts(ctx, fs.Arg(0), all); err != nil {
		return err
	}
	a.log.Info("user access changed", "all contacts", all)
	what := "their own contacts"
	if all {
		what = "every contact"
	}
	fmt.Fprintf(e.stdout, "%s now sees and calls %s; they sign in again to take it up.\n", fs.Arg(0), what)
	return nil
}

func runUserDisable(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("user disable", g, e, "NAME")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.db.DisableUser(ctx, fs.Arg(0)); err != nil {
		return err
	}
	a.log.Info("user disabled")
	fmt.Fprintf(e.stdout, "Disabled %s: they are signed out and cannot sign in again.\n", fs.Arg(0))
	return nil
}
