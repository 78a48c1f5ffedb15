package inbox

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// maxExcerpt is how much of a reply staff see on the contact's page.
const maxExcerpt = 400

// excerpt is what the person wrote, as staff should read it: the lines
// before the quoted notice, or, when they wrote below it (Thunderbird's
// default), the lines after it; without blank lines, at most maxExcerpt
// characters.
func excerpt(body io.Reader) string {
	var lines []string
	sc := bufio.NewScanner(io.LimitReader(body, 64<<10))
	sc.Buffer(make([]byte, 4096), 64<<10)
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	written, rest := cutAtQuote(lines)
	if !anyText(written) {
		written = belowQuote(rest)
	}
	var kept []string
	n := 0
	for _, line := range written {
		if line == "--" { // "-- ", trimmed: the signature follows
			break
		}
		if line == "" {
			continue
		}
		kept = append(kept, line)
		if n += len([]rune(line)); n >= maxExcerpt {
			break
		}
	}
	out := []rune(strings.Join(kept, "\n"))
	if len(out) > maxExcerpt {
		out = append(out[:maxExcerpt], '…')
	}
	return string(out)
}

// cutAtQuote splits lines where the quoted mail begins: its first quoted
// line, a separator, a header block, or the line (or two, wrapped) that
// says who wrote it.
func cutAtQuote(lines []string) (written, rest []string) {
	for i, line := range lines {
		if quoteBegins(line) {
			return lines[:i], lines[i:]
		}
		if attributionEnds(line) {
			if i > 0 && !attributionBegins(line) && attributionBegins(lines[i-1]) {
				i--
			}
			return lines[:i], lines[i:]
		}
	}
	return lines, nil
}

// belowQuote is what follows the quote in rest: the lines after the
// attribution and the quoted lines, up to the next quote.
func belowQuote(rest []string) []string {
	quoted := false
	for i, line := range rest {
		switch {
		case strings.HasPrefix(line, ">"):
			quoted = true
		case quoted && line != "":
			below, _ := cutAtQuote(rest[i:])
			return below
		}
	}
	return nil
}

// outlookHeader is the first line of the header block Outlook, Outlook
// on the web and Outlook for Mac put above the mail they quote.
var outlookHeader = regexp.MustCompile(`^(差出人|送信者|From)\s*[:：]`)

// quoteBegins says whether line starts the quoted mail: "> …", "-----
// Original Message -----", Outlook's "____" rule or its header block.
func quoteBegins(line string) bool {
	return strings.HasPrefix(line, ">") || strings.HasPrefix(line, "-----") ||
		(len(line) >= 5 && strings.Trim(line, "_") == "") || outlookHeader.MatchString(line)
}

// attributionEnds says whether line ends the line that says who wrote the
// quoted mail: "… wrote:", "…書きました:", Gmail's Japanese "… <address>:".
func attributionEnds(line string) bool {
	for _, end := range []string{"wrote:", "書きました:", "書きました：", ">:", ">："} {
		if strings.HasSuffix(line, end) {
			return true
		}
	}
	return false
}

// attributionDate is how a wrapped attribution's first line begins: the
// date of the quoted mail.
var attributionDate = regexp.MustCompile(`^(On |\d{4}[年/-]\d{1,2}[月/-]\d{1,2})`)

func attributionBegins(line string) bool { return attributionDate.MatchString(line) }

func anyText(lines []string) bool {
	for _, l := range lines {
		if l != "" {
			return true
		}
	}
	return false
}
