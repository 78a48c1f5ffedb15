package wording

import (
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages are the languages owabi speaks, Japanese first: the one for a
// reader who asks for neither.
var Languages = []string{"ja", "en"}

// texts are the catalogues, one per language (ja.go, en.go), and counted
// the English texts whose words change with a count (Japanese has none).
var (
	texts   = map[string]map[string]string{"ja": ja, "en": en}
	counted = map[string]map[string][]catalog.Message{"en": enCounted}
)

// printers format the texts of each language; they are made once, as a
// catalogue does not change while owabi runs.
var printers = func() map[string]*message.Printer {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	ps := map[string]*message.Printer{}
	for _, lang := range Languages {
		tag := language.Make(lang)
		for key, s := range texts[lang] {
			if err := b.SetString(tag, key, s); err != nil {
				panic(err)
			}
		}
		for key, m := range counted[lang] {
			if err := b.Set(tag, key, m...); err != nil {
				panic(err)
			}
		}
		ps[lang] = message.NewPrinter(tag, message.Catalog(b))
	}
	return ps
}()

// Say is the text key names in lang, with args filled in and, in English,
// the words that go with each count ("1 contact", "2 contacts"). Counts
// are written with commas (1,234). A language owabi does not speak gets
// English.
func Say(lang, key string, args ...any) string {
	p, ok := printers[lang]
	if !ok {
		p = printers["en"]
	}
	return p.Sprintf(key, args...)
}

// Speaks says whether owabi has a catalogue in lang.
func Speaks(lang string) bool {
	_, ok := texts[lang]
	return ok
}

// Has says whether lang's catalogue has a text for key.
func Has(lang, key string) bool {
	_, plain := Texts(lang)[key]
	_, withCount := counted[lang][key]
	return plain || withCount
}

// Texts are lang's texts that take no count, by key, for the pages'
// templates to look up. They must not be changed.
func Texts(lang string) map[string]string {
	if t, ok := texts[lang]; ok {
		return t
	}
	return en
}

// Part is lang's texts whose key starts with prefix, keyed by the rest:
// Part("ja", "report.")["as_of"] is the report's "as of".
func Part(lang, prefix string) map[string]string {
	part := map[string]string{}
	for key, s := range Texts(lang) {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			part[rest] = s
		}
	}
	return part
}

// forms are the English words for a count, one and other: the count is
// the argument at position arg (from 1).
func forms(arg int, one, other string) catalog.Message {
	return plural.Selectf(arg, "%d", plural.One, one, plural.Other, other)
}

// withCounts is an English text with counted words in it: each ${name} in
// text is the form of the words named, pairs of a name and its forms.
func withCounts(text string, words ...any) []catalog.Message {
	var ms []catalog.Message
	for i := 0; i+1 < len(words); i += 2 {
		ms = append(ms, catalog.Var(words[i].(string), words[i+1].(catalog.Message)))
	}
	return append(ms, catalog.String(text))
}

// oneOrMany is an English text that is one counted sentence.
func oneOrMany(arg int, one, other string) []catalog.Message {
	return []catalog.Message{forms(arg, one, other)}
}
