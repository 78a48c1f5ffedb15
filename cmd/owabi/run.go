package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // something went wrong while running
	exitUsage   = 2 // a wrong command line or config
)

const usage = `owabi runs the response to a leaked address book.

Usage: owabi [--config FILE] [--db FILE] COMMAND [flags]

Commands:
  demo      run the whole flow on the bundled sample book (no setup needed)
  import    import address-book exports: Google or Outlook CSV, vCard, any CSV with --map
  imports   list past imports, or show one's report again
  classify  decide who is a customer, supplier or employee, and why
  preview   show the notice a contact would receive
  templates check every notice template for what the law asks a notice to tell (check)
  send      queue a notice for every address (the daemon sends it)
  resend    send again what nobody acknowledged, hand the silent to staff (--dry-run lists it)
  inbox     read the reply mailbox now: replies acknowledge, bounces fail (owabi serve polls it)
  serve     run the daemon: send the queued notices and serve the staff web app
  status    show where the response stands
  contacts  list contacts, by category or owner (--category unclassified: whom the rules could not classify)
  export    write every contact to a spreadsheet file (CSV or .xlsx) for the people who call them
  report    write the incident report, the PPC report or the public notice (HTML or Markdown)
  action    record what was done outside owabi (password changed, notice published, report filed…)
  user      add, list or disable the staff accounts of the web app
  audit     check the audit trail's chain (verify), or show its last entries (list)
  backup    write a consistent copy of the database while owabi runs
  restore   put a backup back in place (owabi serve stopped)
  purge     erase the personal data once the incident is closed, keeping the counts (owabi serve stopped)

Global flags (also accepted after the command):
  --config FILE  the config file (default ./owabi.toml, or $OWABI_CONFIG)
  --db FILE      the database, overriding store.path in the config

Run "owabi COMMAND --help" for a command's flags.
`

// globals are the flags every command takes.
type globals struct {
	config string
	db     string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", g.config, "the config `file`")
	fs.StringVar(&g.db, "db", g.db, "the database `file`, overriding store.path")
}

// usageError is a wrong command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// env is how commands read the environment; tests pass their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command func(ctx context.Context, g *globals, e env, args []string) error

var commands = map[string]command{
	"demo":      runDemo,
	"action":    runAction,
	"import":    runImport,
	"export":    runExport,
	"contacts":  runContacts,
	"report":    runReport,
	"imports":   runImports,
	"classify":  runClassify,
	"preview":   runPreview,
	"templates": runTemplates,
	"send":      runSend,
	"resend":    runResend,
	"inbox":     runInbox,
	"backup":    runBackup,
	"audit":     runAudit,
	"restore":   runRestore,
	"purge":     runPurge,
	"serve":     runServe,
	"status":    runStatus,
	"user":      runUser,
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	g := &globals{config: "owabi.toml"}
	if v := getenv("OWABI_CONFIG"); v != "" {
		g.config = v
	}
	fs := flag.NewFlagSet("owabi", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.register(fs)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "owabi: %v\n\n%s", err, usage)
		return exitUsage
	case fs.NArg() == 0:
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	name, rest := fs.Arg(0), fs.Args()[1:]
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "owabi: unknown command %q\n\n%s", name, usage)
		return exitUsage
	}
	err = cmd(ctx, g, e, rest)
	var ce *configError
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "owabi: %v\n", err)
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "owabi %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "owabi %s: %s\n", name, oneLine(err.Error()))
		return exitFailure
	}
}

// commandFlags is a command's flag set and what its --help says.
type commandFlags struct {
	*flag.FlagSet
	synopsis string
	stdout   io.Writer
}

// flags returns a command's flag set with the global flags on it.
func flags(name string, g *globals, e env, synopsis string) *commandFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors, once
	fs.Usage = func() {}
	g.register(fs)
	return &commandFlags{FlagSet: fs, synopsis: synopsis, stdout: e.stdout}
}

// parse parses a command's flags and checks it got exactly nargs other
// arguments (or oneOrMore, or zeroOrOne); a mistake is a usage
// error. --help prints the usage.
func parse(fs *commandFlags, args []string, nargs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(fs.stdout, "Usage: owabi %s %s\n\nFlags:\n", fs.Name(), fs.synopsis)
			fs.SetOutput(fs.stdout)
			fs.PrintDefaults()
			return err
		}
		return &usageError{msg: fmt.Sprintf("%v (see owabi %s --help)", err, fs.Name())}
	}
	switch {
	case nargs == oneOrMore && fs.NArg() == 0:
		return &usageError{msg: fmt.Sprintf("expected at least one argument (see owabi %s --help)", fs.Name())}
	case nargs == zeroOrOne && fs.NArg() > 1:
		return &usageError{msg: fmt.Sprintf("expected at most one argument, got %d (see owabi %s --help)", fs.NArg(), fs.Name())}
	case nargs < 0:
		return nil
	}
	if fs.NArg() != nargs {
		if nargs == 0 {
			return &usageError{msg: fmt.Sprintf("unexpected argument %q (see owabi %s --help)", fs.Arg(0), fs.Name())}
		}
		return &usageError{msg: fmt.Sprintf("expected %d argument(s), got %d (see owabi %s --help)", nargs, fs.NArg(), fs.Name())}
	}
	return nil
}

// subcommand checks that a command with subcommands (user add, audit
// verify) got one: with none it prints usage and says what to choose from;
// --help prints usage alone.
func subcommand(e env, args []string, usage, choices string) error {
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" {
		return nil
	}
	fmt.Fprint(e.stdout, usage)
	if len(args) == 0 {
		return &usageError{msg: "say what to do: " + choices}
	}
	return flag.ErrHelp
}

// parse's nargs for a command that takes a list, or an optional argument.
const (
	oneOrMore = -1
	zeroOrOne = -2
)

// oneLine keeps an error on one line of the terminal.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
