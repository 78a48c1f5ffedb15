package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// Format is how a report is written out.
type Format string

const (
	HTML     Format = "html" // a page to print on A4, nothing loaded from elsewhere
	Markdown Format = "md"   // text, for pasting into a form or a mail
)

// Formats lists every format a report is written in.
var Formats = []Format{HTML, Markdown}

// Produce writes the report in asks for to w, in format (the HTML page
// from report/report.tmpl and report/report.css in pages), from what src
// recorded as of now. It returns in as filled in: its Facts say as of when.
func Produce(ctx context.Context, src Source, in Input, format Format, pages fs.FS, w io.Writer) (Input, error) {
	in, err := gather(ctx, src, in)
	if err != nil {
		return in, err
	}
	doc, err := Build(in)
	if err != nil {
		return in, err
	}
	return in, write(w, doc, format, pages)
}

// write writes the document in format.
func write(w io.Writer, d Document, format Format, pages fs.FS) error {
	switch format {
	case Markdown:
		_, err := io.WriteString(w, markdown(d))
		return err
	case HTML:
		css, err := fs.ReadFile(pages, "report/report.css")
		if err != nil {
			return err
		}
		t, err := template.New("report.tmpl").Funcs(template.FuncMap{"lines": lines}).ParseFS(pages, "report/report.tmpl")
		if err != nil {
			return err
		}
		var b bytes.Buffer // a template error then writes nothing
		if err := t.Execute(&b, map[string]any{"Doc": d, "CSS": template.CSS(css)}); err != nil {
			return err
		}
		_, err = b.WriteTo(w)
		return err
	}
	return notify.Errorf(notify.EINVALID, "%q is not a report format: html or md", format)
}

// StyleSource is the Content-Security-Policy source that lets the page's
// own style sheet, and nothing else, apply.
func StyleSource(pages fs.FS) (string, error) {
	css, err := fs.ReadFile(pages, "report/report.css")
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(css)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'", nil
}

func lines(s string) []string { return strings.Split(s, "\n") }

// markdown writes the document as Markdown: sections as headings, rows as
// a list with the label in bold, a row of several lines as a sub-list.
func markdown(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	for _, l := range d.Lines {
		fmt.Fprintf(&b, "%s  \n", l)
	}
	for _, s := range d.Sections {
		if s.Heading != "" {
			fmt.Fprintf(&b, "\n## %s\n", s.Heading)
		}
		for _, bl := range s.Blocks {
			if bl.Label != "" {
				fmt.Fprintf(&b, "\n### %s\n", bl.Label)
			}
			for _, p := range bl.Paragraphs() {
				fmt.Fprintf(&b, "\n%s\n", strings.Join(p, "  \n"))
			}
			if len(bl.Items) > 0 || len(bl.Rows) > 0 {
				b.WriteString("\n")
			}
			for _, item := range bl.Items {
				fmt.Fprintf(&b, "- %s\n", item)
			}
			for _, r := range bl.Rows {
				label := "**" + r[0] + "**"
				if r[0] == "" {
					label = ""
				}
				if vs := lines(r[1]); len(vs) > 1 {
					fmt.Fprintf(&b, "- %s\n", label)
					for _, v := range vs {
						fmt.Fprintf(&b, "  - %s\n", v)
					}
				} else if label != "" {
					fmt.Fprintf(&b, "- %s: %s\n", label, r[1])
				} else {
					fmt.Fprintf(&b, "- %s\n", r[1])
				}
			}
		}
	}
	return b.String()
}

// Describe names the report written from in, in format, for the audit
// trail: which report, in which language and format, and as of when.
func (in Input) Describe(format string) notify.Said {
	kind := string(in.Kind)
	if in.Kind == PPC {
		kind += map[bool]string{true: "_final", false: "_preliminary"}[in.Final]
	}
	return notify.Say("audit.report", notify.Say("report_"+kind), notify.Say("language_"+in.Lang), format, in.Facts.AsOf)
}

// Source is where a report reads what owabi recorded.
type Source interface {
	Incident(ctx context.Context) (notify.Incident, error)
	// Facts and Timeline are as of a time; zero is now.
	Facts(ctx context.Context, asOf time.Time) (notify.Facts, error)
	Timeline(ctx context.Context, asOf time.Time) ([]notify.Step, error)
	Actions(ctx context.Context) ([]notify.Action, error)
}

// gather fills in from src what the report states: the incident record,
// the counts and the timeline as of in.AsOf (zero: now), and what was done
// by then, the reports owed among it.
func gather(ctx context.Context, src Source, in Input) (Input, error) {
	var err error
	if in.Incident, err = src.Incident(ctx); err != nil {
		return in, err
	}
	if in.Facts, err = src.Facts(ctx, in.AsOf); err != nil {
		return in, err
	}
	if in.Steps, err = src.Timeline(ctx, in.AsOf); err != nil {
		return in, err
	}
	actions, err := src.Actions(ctx)
	if err != nil {
		return in, err
	}
	in.Actions = nil
	for _, a := range actions {
		if !a.At.After(in.Facts.AsOf) {
			in.Actions = append(in.Actions, a)
		}
	}
	in.Filings = notify.Filed(notify.Deadlines(in.Incident.DiscoveredAt, in.Incident.Intentional, in.Incident.GDPR), in.Actions)
	return in, nil
}
