package addrbook

import (
	"slices"
	"strings"
	"unicode"

	"github.com/owabi/owabi/notify"
)

// LookAlike says nothing or why the domain of the normalised address email
// could pass for another domain when shown to a person, e.g.
//
//	the domain "xn--pple-43d.com" shows as "аpple.com", which mixes Latin and Cyrillic letters: it may imitate another domain
//
// A leaked address book may hold such addresses on purpose; they are worth a
// look before a notice is sent to them.
//
// The rule is the "highly restrictive" level of UTS #39 (Unicode Security
// Mechanisms, section 5.2), applied to each part of the domain with its xn--
// form decoded: the letters of a part must all be of one script, or of Latin
// with Han and the Japanese kana, with Han and Bopomofo (Chinese) or with Han
// and Hangul (Korean). Characters common to all scripts, such as digits and
// the hyphen, do not count. This is what browsers use to decide whether to
// show a domain in Unicode or as xn--. Mixing Latin with Cyrillic or Greek
// (раypal, аpple) is the usual trick, and no real name needs it.
//
// A part written wholly in Cyrillic or Greek letters that all look like Latin
// ones (аррӏе.com, all Cyrillic) is flagged too, unless the last part of the
// domain is in the same script (.рф): a small table stands in for UTS #39's
// confusables data, so look-alikes it does not list are not caught.
//
// Which domain it imitates is for the classifier to say, which knows the
// organisation's and the master lists' domains (classify.Classifier.Imitates,
// through Skeleton).
func LookAlike(email string) notify.Said {
	domain := email[strings.LastIndexByte(email, '@')+1:]
	if !isIDN(domain) {
		return notify.Said{}
	}
	u, err := idnaProfile.ToUnicode(domain)
	if err != nil {
		return notify.Said{} // not a normalised address
	}
	labels := strings.Split(u, ".")
	tld := labelScripts(labels[len(labels)-1])
	for _, l := range labels {
		scripts := labelScripts(l)
		if !allowedScripts(scripts) {
			return notify.Say("entry.mixed_scripts", quote(domain), quote(u), scriptList(scripts))
		}
		if len(scripts) == 1 && !slices.Equal(scripts, tld) && allLatinLookAlike(l) {
			return notify.Say("entry.latin_look_alike", quote(domain), quote(u), notify.Say("script."+scripts[0]))
		}
	}
	return notify.Said{}
}

// scriptList names scripts, for a reader to list.
func scriptList(scripts []string) []notify.Said {
	out := make([]notify.Said, len(scripts))
	for i, s := range scripts {
		out[i] = notify.Say("script." + s)
	}
	return out
}

// labelScripts returns the scripts of the letters of l, Latin first and then
// in the order they appear, ignoring Common and Inherited characters.
func labelScripts(l string) []string {
	var out []string
	for _, r := range l {
		if s := scriptOf(r); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if i := slices.Index(out, "Latin"); i > 0 {
		out = slices.Insert(slices.Delete(out, i, i+1), 0, "Latin")
	}
	return out
}

// scriptOf returns the name of the script of r, or "" for the characters
// shared by all scripts (Common, Inherited) and unassigned ones.
func scriptOf(r rune) string {
	if r < 0x80 {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name // scripts do not overlap, so map order does not matter
		}
	}
	return ""
}

// allowedMixes are the combinations of scripts UTS #39 "highly restrictive"
// allows in one identifier besides a single script.
var allowedMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"}, // Japanese
	{"Latin", "Han", "Bopomofo"},             // Chinese
	{"Latin", "Han", "Hangul"},               // Korean
}

// allowedScripts reports whether the scripts of a label may be mixed.
func allowedScripts(scripts []string) bool {
	if len(scripts) <= 1 {
		return true
	}
	for _, mix := range allowedMixes {
		if !slices.ContainsFunc(scripts, func(s string) bool { return !slices.Contains(mix, s) }) {
			return true
		}
	}
	return false
}

// latinLookAlikes are lower-case Cyrillic and Greek letters that look like a
// Latin letter in common fonts (from UTS #39 confusables.txt), each with the
// letter it passes for; domains are shown in lower case, so capitals do not
// matter. Skeleton reads a domain through the same table.
var latinLookAlikes = map[rune]rune{
	// Cyrillic
	'а': 'a', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'ӏ': 'l',
	'о': 'o', 'р': 'p', 'ԛ': 'q', 'ѕ': 's', 'ԝ': 'w', 'х': 'x', 'у': 'y',
	// Greek
	'α': 'a', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'υ': 'u', 'χ': 'x',
}

// allLatinLookAlike reports whether every letter of l is in latinLookAlikes.
func allLatinLookAlike(l string) bool {
	letters := 0
	for _, r := range l {
		if scriptOf(r) == "" {
			continue
		}
		if _, ok := latinLookAlikes[r]; !ok {
			return false
		}
		letters++
	}
	return letters > 0
}
