package addrbook

// vCard files: 3.0 (RFC 2426) and 4.0 (RFC 6350) as phones, Apple Contacts,
// Google and Thunderbird export them, and 2.1 as Japanese feature phones and
// Android still write it. github.com/emersion/go-vcard parses each card; a
// pre-pass here first turns the 2.1 habits it does not know (bare
// parameters, quoted-printable in a declared character set) into 3.0.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// maxEntry bounds the text kept for one card, and any one line: a real card
// is a few kilobytes once photos are dropped.
const maxEntry = 1 << 20

// vcardWhat names, for messages, each property owabi reads; every other
// property (ADR, URL, PHOTO and its huge base64, …) is dropped unread.
var vcardWhat = map[string]string{
	"N":                     "name",
	"FN":                    "name",
	"X-PHONETIC-LAST-NAME":  "kana",
	"X-PHONETIC-FIRST-NAME": "kana",
	"SOUND":                 "kana", // only SOUND;X-IRMC-N, the 2.1 reading of N
	"SORT-STRING":           "kana",
	"ORG":                   "company",
	"TITLE":                 "title",
	"EMAIL":                 "email",
	"TEL":                   "phone",
	"CATEGORIES":            "labels",
	"NOTE":                  "notes",
}

// vcardField names property name's field, for messages.
func vcardField(name string) notify.Said { return notify.Say("field." + vcardWhat[name]) }

// cardNotes are what reading a card left out or guessed, once each, and
// why the first address left out was, which rejects a card left with none.
type cardNotes struct {
	notes    []notify.Said
	badEmail notify.Said
}

func (n *cardNotes) add(note notify.Said) {
	if !slices.ContainsFunc(n.notes, func(s notify.Said) bool { return reflect.DeepEqual(s, note) }) { // N and FN say the same
		n.notes = append(n.notes, note)
	}
}

// leave notes that property name's value was left out, and why.
func (n *cardNotes) leave(name string, why notify.Said) {
	if name == "EMAIL" && n.badEmail.IsZero() {
		n.badEmail = why
	}
	n.add(leftOut(why))
}

// vcardOrder is vcardWhat's keys in the order values are checked, so that
// the reason given for a bad card is always the same one.
var vcardOrder = []string{"N", "FN", "X-PHONETIC-LAST-NAME", "X-PHONETIC-FIRST-NAME", "SOUND", "SORT-STRING",
	"ORG", "TITLE", "EMAIL", "TEL", "CATEGORIES", "NOTE"}

// VCard reads a vCard file one card at a time.
type VCard struct {
	r      *bufio.Reader
	line   []byte    // the physical line last read, without its line end
	long   bool      // line was longer than maxEntry and has been cut
	lineNo int       // number of line
	unread bool      // line is to be returned again by readLine
	n      int       // entries read so far, for Record.Number
	left   cardNotes // the fields of the card being read that were left out, and why
	err    error     // fatal error (or io.EOF), returned again by every later call
}

// NewVCard reads a vCard file (2.1, 3.0 or 4.0, any number of cards). If r
// does not start, after blank lines, with BEGIN:VCARD it returns a
// *notify.Error with code notify.EINVALID.
//
// r must be UTF-8 (Decode turns other encodings into it); values a 2.1 card
// encodes in quoted-printable are decoded from the character set they name.
func NewVCard(r io.Reader) (*VCard, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if !looksLikeVCard(br) {
		if head, _ := br.Peek(4096); len(bytes.TrimLeft(head, "\ufeff \t\r\n")) == 0 {
			return nil, wording.Fail(notify.EINVALID, notify.Say("entry.not_a", notify.Say("entry.book_vcard"), notify.Say("entry.file_empty")))
		}
		return nil, wording.Fail(notify.EINVALID, notify.Say("entry.not_a", notify.Say("entry.book_vcard"), notify.Say("entry.no_begin")))
	}
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return &VCard{r: br}, nil
}

// Format returns FormatVCard.
func (v *VCard) Format() string { return FormatVCard }

// Next returns the next card. At the end it returns io.EOF. A card that
// cannot be used, or text outside any card, gives a *RowError; the caller
// records it and calls Next again. Any other error is fatal (the input could
// not be read) and is returned again by every later call.
//
// Record.Number counts rejected entries too; Record.Line is the line of the
// card's BEGIN:VCARD.
func (v *VCard) Next() (notify.Record, error) {
	if v.err != nil {
		return notify.Record{}, v.err
	}
	for {
		if err := v.readLine(); err != nil {
			return v.fail(err)
		}
		if len(bytes.TrimSpace(v.line)) > 0 || v.long {
			break
		}
	}
	v.n++
	start := v.lineNo
	var (
		text   []byte
		reason notify.Said
		err    error
	)
	if isMarker(v.line, "BEGIN") {
		text, reason, err = v.readCard()
	} else {
		reason, err = v.skipText()
	}
	if err != nil {
		return v.fail(err)
	}
	var rec notify.Record
	if reason.IsZero() {
		rec, reason = vcardRecord(text, v.left)
	}
	if !reason.IsZero() {
		return notify.Record{}, &RowError{Number: v.n, Line: start, Reason: reason}
	}
	rec.Number, rec.Line = v.n, start
	return rec, nil
}

// fail makes err the answer to every later call.
func (v *VCard) fail(err error) (notify.Record, error) {
	if err != io.EOF {
		err = fmt.Errorf("reading the entry after line %d: %w", v.lineNo, err)
	}
	v.err = err
	return notify.Record{}, err
}

// readLine reads the next physical line into v.line. A line longer than
// maxEntry is cut there and v.long set, so that a photo written as one huge
// line never has to fit in memory.
func (v *VCard) readLine() error {
	if v.unread {
		v.unread = false
		return nil
	}
	v.line, v.long = v.line[:0], false
	for {
		chunk, err := v.r.ReadSlice('\n')
		if room := maxEntry - len(v.line); len(chunk) > room {
			// Keep the start, so that the property's name is known.
			chunk, v.long = chunk[:max(room, 0)], true
		}
		v.line = append(v.line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || len(v.line) == 0 && !v.long) {
			return err
		}
		v.lineNo++
		v.line = bytes.TrimSuffix(bytes.TrimSuffix(v.line, []byte("\n")), []byte("\r"))
		return nil
	}
}

// isMarker reports whether line is BEGIN:VCARD or END:VCARD (word is
// "BEGIN" or "END"), in any case.
func isMarker(line []byte, word string) bool {
	line = bytes.TrimSpace(line)
	return len(line) == len(word)+6 && strings.EqualFold(string(line), word+":VCARD")
}

// skipText reads over text outside any card, up to a blank line or the next
// BEGIN:VCARD, and says what it was.
func (v *VCard) skipText() (notify.Said, error) {
	reason := notify.Say("entry.outside_card", quote(string(v.line)))
	for {
		if err := v.readLine(); err == io.EOF {
			return reason, nil
		} else if err != nil {
			return notify.Said{}, err
		}
		if isMarker(v.line, "BEGIN") {
			v.unread = true
			return reason, nil
		}
		if len(bytes.TrimSpace(v.line)) == 0 && !v.long {
			return reason, nil
		}
	}
}

// readCard reads the rest of a card after its BEGIN:VCARD and returns the
// properties owabi reads, as 3.0 text for go-vcard, or why the card cannot
// be used. A rejected card is still read to its END:VCARD, holding nothing.
func (v *VCard) readCard() (text []byte, reason notify.Said, err error) {
	out := []byte("BEGIN:VCARD\n")
	v.left = cardNotes{}
	var p property
	tooLarge := func() {
		out, p, reason = nil, property{}, notify.Say("entry.card_too_large", maxEntry>>20)
	}
	for {
		if err := v.readLine(); err == io.EOF {
			if reason.IsZero() {
				reason = notify.Say("entry.no_end_at_eof")
			}
			return nil, reason, nil
		} else if err != nil {
			return nil, notify.Said{}, err
		}
		switch {
		case isMarker(v.line, "END"):
			if reason.IsZero() {
				out = p.flush(out, &v.left)
			}
			if !reason.IsZero() {
				return nil, reason, nil
			}
			return append(out, "END:VCARD\n"...), notify.Said{}, nil
		case isMarker(v.line, "BEGIN"):
			// Most likely the END of this card was lost; the next card is
			// worth more than guessing where this one stops.
			v.unread = true
			if reason.IsZero() {
				reason = notify.Say("entry.no_end_before_begin")
			}
			return nil, reason, nil
		case !reason.IsZero():
			continue
		case p.continuedBy(v.line):
			if p.keep && v.long {
				tooLarge()
				continue
			}
			p.add(v.line)
		default:
			out = p.flush(out, &v.left)
			p = newProperty(v.line)
			if p.keep && v.long {
				tooLarge()
				continue
			}
		}
		if len(out)+len(p.raw) > maxEntry {
			tooLarge()
		}
	}
}

// property is one content line of a card being read: its first physical
// line and the ones folded onto it.
type property struct {
	name string // upper case, without its group, e.g. "EMAIL"
	keep bool   // one owabi reads
	qp   bool   // quoted-printable: a line ending in = goes on on the next one
	soft bool   // qp, and the last line ended in =
	raw  []byte // the physical lines, each ended by \n (only if keep)
}

// add appends a physical line to p.
func (p *property) add(line []byte) {
	p.soft = p.qp && bytes.HasSuffix(line, []byte("="))
	if p.keep {
		p.raw = append(append(p.raw, line...), '\n')
	}
}

// newProperty starts a property at a physical line.
func newProperty(line []byte) property {
	_, name, params, _, ok := splitLine(line)
	if !ok {
		return property{} // not a content line; go-vcard would skip it too
	}
	p := property{name: name, keep: vcardWhat[name] != ""}
	enc := ""
	irmc := false
	for _, prm := range params {
		k, val := param(prm)
		switch {
		case k == "ENCODING":
			enc = strings.ToUpper(val)
		case k == "TYPE" && strings.EqualFold(val, "X-IRMC-N"):
			irmc = true
		}
	}
	if name == "SOUND" && !irmc {
		p.keep = false // a sound clip, not a reading of the name
	}
	p.qp = enc == "QUOTED-PRINTABLE"
	p.add(line)
	return p
}

// continuedBy reports whether line belongs to p: folded (it starts with a
// space or tab), or after a quoted-printable soft line break.
func (p *property) continuedBy(line []byte) bool {
	if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		return true
	}
	return p.soft
}

// flush appends p to out, rewritten as 3.0 where go-vcard needs it to be.
// A value that cannot be decoded is left out, and why is added to left: a
// bad field loses only itself, never the card's good addresses. So is a
// note on a value whose character set had to be guessed.
func (p *property) flush(out []byte, left *cardNotes) []byte {
	if !p.keep {
		return out
	}
	line, reason, guessed := p.rewrite(out)
	switch {
	case !reason.IsZero():
		left.leave(p.name, reason)
	case !guessed.IsZero():
		left.add(guessed)
	}
	return line
}

// rewrite appends p to out as flush does, or says why its value cannot be
// read and leaves out unchanged. guessed says what was guessed about a value
// appended, if anything.
func (p *property) rewrite(out []byte) (_ []byte, reason, guessed notify.Said) {
	line := p.unfold()
	group, name, params, value, _ := splitLine(line)
	rewrite := false
	for _, prm := range params {
		k, _ := param(prm)
		rewrite = rewrite || k == "ENCODING" || k == "CHARSET" || !strings.Contains(prm, "=")
	}
	if !rewrite {
		return append(out, p.raw...), notify.Said{}, notify.Said{} // go-vcard unfolds and unescapes it
	}
	what := vcardField(name)
	var kept []string
	enc, charset := "", ""
	for _, prm := range params {
		switch k, val := param(prm); k {
		case "ENCODING":
			enc = strings.ToUpper(val)
		case "CHARSET":
			charset = val
		default:
			kept = append(kept, k+"="+val)
		}
	}
	var raw []byte
	switch enc {
	case "", "7BIT", "8BIT":
		// The value is text already.
	case "QUOTED-PRINTABLE":
		b, ok := decodeQP(value)
		if !ok {
			return out, notify.Say("entry.not_qp", what), notify.Said{}
		}
		raw = b
	case "B", "BASE64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(value)), ""))
		if err != nil {
			return out, notify.Say("entry.not_base64", what), notify.Said{}
		}
		raw = b
	default:
		return out, notify.Say("entry.unknown_encoding", what, quote(enc)), notify.Said{}
	}
	if raw != nil {
		if strings.TrimSpace(charset) == "" && !utf8.Valid(raw) {
			// 2.1 says US-ASCII then, but Outlook and The Bat! write their
			// own code page; Windows-1252 reads every byte of Latin-1.
			charset = "windows-1252"
			guessed = notify.Say("entry.guessed_1252", what)
		}
		text, why := decodeCharset(raw, charset, what)
		if !why.IsZero() {
			return out, why, notify.Said{}
		}
		value = []byte(escapeValue(text, name == "N" || name == "ORG" || name == "SOUND"))
	}
	if group != "" {
		out = append(append(out, group...), '.')
	}
	out = append(out, name...)
	for _, prm := range kept {
		out = append(append(out, ';'), prm...)
	}
	out = append(append(out, ':'), value...)
	return append(out, '\n'), notify.Said{}, guessed
}

// unfold joins p's physical lines into one content line.
func (p *property) unfold() []byte {
	lines := bytes.Split(bytes.TrimSuffix(p.raw, []byte("\n")), []byte("\n"))
	line := append([]byte(nil), lines[0]...)
	for _, l := range lines[1:] {
		if p.qp && bytes.HasSuffix(line, []byte("=")) {
			line = append(line[:len(line)-1], l...) // soft line break
		} else {
			line = append(line, l[1:]...) // folded: drop the space or tab
		}
	}
	return line
}

// splitLine splits a content line into group, upper-case name, parameters
// as written and value; ok is false if there is no colon.
func splitLine(line []byte) (group, name string, params []string, value []byte, ok bool) {
	quoted := false
	start := 0
	for i, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';' || c == ':':
			if name == "" {
				head := string(line[:i])
				if dot := strings.LastIndexByte(head, '.'); dot >= 0 {
					group, head = head[:dot], head[dot+1:]
				}
				name = strings.ToUpper(head)
			} else if i > start {
				params = append(params, string(line[start:i]))
			}
			if c == ':' {
				return group, name, params, line[i+1:], name != ""
			}
			start = i + 1
		}
	}
	return "", "", nil, nil, false
}

// param splits a parameter into upper-case name and value. A 2.1 bare
// parameter (EMAIL;INTERNET, TEL;CELL) is a type, except the bare encodings.
func param(s string) (string, string) {
	k, val, ok := strings.Cut(s, "=")
	if ok {
		return strings.ToUpper(strings.TrimSpace(k)), val
	}
	switch strings.ToUpper(s) {
	case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT":
		return "ENCODING", s
	}
	return "TYPE", s
}

// decodeQP decodes quoted-printable text whose soft line breaks are already
// joined; a trailing = (a soft break before the end) is dropped.
func decodeQP(s []byte) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			out = append(out, s[i])
			continue
		}
		if i == len(s)-1 {
			break
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return nil, false
		}
		out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return out, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// charsets are the character sets a 2.1 card may encode values in, by the
// names phones write. Shift_JIS means Windows CP932, as on every Japanese
// phone and PC, so ㈱ and 髙 decode.
var charsets = map[string]encoding.Encoding{
	"SHIFT_JIS":    japanese.ShiftJIS,
	"SHIFT-JIS":    japanese.ShiftJIS,
	"SJIS":         japanese.ShiftJIS,
	"CP932":        japanese.ShiftJIS,
	"WINDOWS-31J":  japanese.ShiftJIS,
	"ISO-2022-JP":  japanese.ISO2022JP,
	"EUC-JP":       japanese.EUCJP,
	"ISO-8859-1":   charmap.ISO8859_1,
	"WINDOWS-1252": charmap.Windows1252,
}

// decodeCharset turns the bytes of an encoded value into text.
func decodeCharset(b []byte, charset string, what notify.Said) (string, notify.Said) {
	switch name := strings.ToUpper(strings.TrimSpace(charset)); name {
	case "", "UTF-8", "UTF8", "US-ASCII":
		if !utf8.Valid(b) {
			return "", notify.Say("entry.not_decodable_as", what, "UTF-8")
		}
		return string(b), notify.Said{}
	default:
		enc := charsets[name]
		if enc == nil {
			return "", notify.Say("entry.unknown_charset", what, quote(charset))
		}
		text, err := enc.NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(text, utf8.RuneError) {
			return "", notify.Say("entry.not_decodable_as", what, charset)
		}
		return string(text), notify.Said{}
	}
}

// escapeValue writes decoded text in 3.0 syntax. In a structured value (N,
// ORG) a semicolon separates components, and 2.1 writes one inside a
// component as \;.
func escapeValue(s string, structured bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && structured && i+1 < len(s) && s[i+1] == ';':
			b.WriteString(`\;`)
			i++
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\r' || c == '\n':
			if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == ',':
			b.WriteString(`\,`)
		case c == ';' && !structured:
			b.WriteString(`\;`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescaper finishes what go-vcard's unescaping leaves: \; and \N.
var unescaper = strings.NewReplacer(`\;`, ";", `\N`, "\n")

// components splits a structured value (N, ORG) that go-vcard has read at
// its unescaped semicolons.
func components(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ';':
			out = append(out, trimText(unescaper.Replace(s[start:i])))
			start = i + 1
		}
	}
	return append(out, trimText(unescaper.Replace(s[start:])))
}

// decodable reports whether s is UTF-8 without the replacement character
// that a decoder writes for bytes it could not decode.
func decodable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError)
}

// at returns list[i], or "" when the list is short.
func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// vcardRecord parses one card's text with go-vcard and turns it into a
// Record, or says why it cannot. left are the fields already left out, for
// the record's warnings.
func vcardRecord(text []byte, left cardNotes) (notify.Record, notify.Said) {
	card, err := vcard.NewDecoder(bytes.NewReader(text)).Decode()
	if err != nil {
		return notify.Record{}, notify.Say("entry.malformed_vcard", strings.TrimPrefix(err.Error(), "vcard: "))
	}
	for _, name := range vcardOrder {
		limit := maxField
		if name == "NOTE" {
			limit = maxNotes
		}
		fields := card[name][:0]
		for _, f := range card[name] {
			if !decodable(f.Value) {
				left.leave(name, notify.Say("entry.undecodable", vcardField(name)))
				continue
			}
			fields = append(fields, f)
			if len(f.Value) > limit {
				return notify.Record{}, notify.Say("entry.too_long", vcardField(name), limit)
			}
		}
		if len(fields) == 0 {
			delete(card, name)
		} else {
			card[name] = fields
		}
	}
	value := func(name string) string { return trimText(unescaper.Replace(card.Value(name))) }
	set := func(dst *string, s string) {
		if s != "" {
			*dst = s
		}
	}

	rec := notify.Record{Warnings: slices.Clone(left.notes)}
	if f := card.Get("N"); f != nil {
		c := components(f.Value)
		rec.Family, rec.Given = at(c, 0), at(c, 1)
		sortAs := f.Params[vcard.ParamSortAs] // 4.0: N;SORT-AS="やまだ,たろう"
		if decodable(strings.Join(sortAs, "")) {
			rec.FamilyKana, rec.GivenKana = trimText(at(sortAs, 0)), trimText(at(sortAs, 1))
		}
	}
	fn := value("FN")
	if rec.Family == "" && rec.Given == "" {
		rec.Family = fn
	}
	if rec.FamilyKana == "" && rec.GivenKana == "" {
		rec.FamilyKana = value("SORT-STRING")
	}
	if f := card.Get("SOUND"); f != nil {
		c := components(f.Value)
		set(&rec.FamilyKana, at(c, 0))
		set(&rec.GivenKana, at(c, 1))
	}
	set(&rec.FamilyKana, value("X-PHONETIC-LAST-NAME"))
	set(&rec.GivenKana, value("X-PHONETIC-FIRST-NAME"))
	if f := card.Get("ORG"); f != nil {
		c := components(f.Value)
		rec.Company, rec.Department = at(c, 0), at(c, 1)
	}
	rec.Title = value("TITLE")

	// These may be written into a notice's headers, so nothing may hide in
	// them; FN is checked even when N is used, as an escaped \n there is
	// no accident.
	if reason := checkHeaderText(rec); !reason.IsZero() {
		return notify.Record{}, reason
	}
	if bad := badTextRune(fn); !bad.IsZero() {
		return notify.Record{}, notify.Say("entry.field_contains", vcardField("FN"), bad)
	}

	var bad notify.Said
	for _, f := range card["EMAIL"] {
		if why := addEmail(&rec, unescaper.Replace(f.Value)); bad.IsZero() {
			bad = why
		}
	}
	if bad.IsZero() {
		bad = left.badEmail // an address that could not be decoded
	}
	if len(rec.Emails) == 0 && bad.IsZero() {
		return notify.Record{}, notify.Say("entry.no_address")
	}
	if len(rec.Emails) == 0 {
		return notify.Record{}, bad
	}
	for _, f := range card["TEL"] {
		t := trimText(unescaper.Replace(f.Value))
		if len(t) >= 4 && strings.EqualFold(t[:4], "tel:") { // 4.0: TEL;VALUE=uri:tel:+81-…
			t = trimText(t[4:])
		}
		if t != "" {
			rec.Phones = append(rec.Phones, t)
		}
	}
	for _, f := range card["CATEGORIES"] {
		rec.Labels = append(rec.Labels, splitList(unescaper.Replace(f.Value), ",")...)
	}
	var notes []string
	for _, f := range card["NOTE"] {
		if n := unescaper.Replace(f.Value); trimText(n) != "" {
			notes = append(notes, n)
		}
	}
	rec.Notes = strings.Join(notes, "\n")
	if len(rec.Notes) > maxNotes {
		return notify.Record{}, notify.Say("entry.too_long", vcardField("NOTE"), maxNotes)
	}
	return finish(rec), notify.Said{}
}
