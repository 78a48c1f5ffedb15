package addrbook_test

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify/addrbook"
)

// corpusDir holds real address books exported by phones, mail programs and
// web services (see its README); CI checks shared/ out beside the project.
const corpusDir = "../../../shared/corpora/books"

// TestCorpusBooks imports every file of the corpus the way "owabi import"
// reads one (Decode, then Open telling the format from the content) and
// checks the addresses found against those a person listed by reading each
// file, in testdata/corpus-books-expected.json. A file with none is right
// to be rejected; an address found that is not listed is invented. A CSV
// that no layout knows is read again with the --map the corpus's maps.json
// gives, as a user told so would; Thunderbird's and Outlook's must need none.
// Only addresses in EMAIL properties and e-mail columns are listed: an IM
// handle (X-AIM, IMPP), a SIP or pager TEL and a group's MEMBER are not
// where a notice goes.
func TestCorpusBooks(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIPPED: the address-book corpus is not at %s (shared/corpora/books beside the checkout); these real exports are not tested", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/corpus-books-expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string][]string
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	maps := map[string]string{}
	if raw, err := os.ReadFile(filepath.Join(corpusDir, "maps.json")); err == nil {
		if err := json.Unmarshal(raw, &maps); err != nil {
			t.Fatal(err)
		}
	}
	mustKnow := []string{"roundcube__Csv2vcard-tb_plain.csv", "roundcube__Csv2vcard-email.csv", "roundcube__Csv2vcard-outlook.csv"}
	var files []string
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".vcf") || strings.HasSuffix(name, ".csv") {
			files = append(files, name)
			if _, ok := expected[name]; !ok {
				t.Errorf("%s: not in testdata/corpus-books-expected.json; read it and list its addresses", name)
			}
		}
	}
	foundAll, expectedAll, invented, right := 0, 0, 0, 0
	for _, name := range files {
		want := expected[name]
		got, notes, err := corpusAddresses(t, filepath.Join(corpusDir, name), "")
		if err != nil && maps[name] != "" && !slices.Contains(mustKnow, name) {
			t.Logf("%s: read with --map %s (%v)", name, maps[name], err)
			got, notes, err = corpusAddresses(t, filepath.Join(corpusDir, name), maps[name])
		}
		if err != nil {
			notes = append(notes, err.Error())
		}
		var missing, extra []string
		for _, a := range want {
			if slices.Contains(got, a) {
				foundAll++
			} else {
				missing = append(missing, a)
			}
		}
		for _, a := range got {
			if !slices.Contains(want, a) {
				extra = append(extra, a)
			}
		}
		expectedAll += len(want)
		invented += len(extra)
		if len(missing) == 0 && len(extra) == 0 {
			right++
			continue
		}
		t.Errorf("%s: found %d of %d, missing %q, invented %q; notes: %q", name, len(want)-len(missing), len(want), missing, extra, notes)
	}
	t.Logf("corpus: %d of %d addresses found, %d invented; %d of %d files fully right", foundAll, expectedAll, invented, right, len(files))
}

// corpusAddresses reads one file as "owabi import" does, with the --map
// mapping if it is not "", and returns the lower-cased addresses of the
// entries it keeps, sorted and without repeats, and the reasons given for
// entries rejected or fields left out; err if the file is refused.
func corpusAddresses(t *testing.T, path, mapping string) (addrs, notes []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m addrbook.Mapping
	if mapping != "" {
		if m, err = addrbook.ParseMapping(mapping); err != nil {
			t.Fatal(err)
		}
	}
	text, _ := addrbook.Decode(f)
	book, err := addrbook.Open(text, "", m)
	if err != nil {
		return nil, nil, err
	}
	for {
		rec, err := book.Next()
		if err == io.EOF {
			break
		}
		var row *addrbook.RowError
		if errors.As(err, &row) {
			notes = append(notes, english(row.Reason))
			continue
		}
		if err != nil {
			return addrs, notes, err
		}
		notes = append(notes, englishAll(rec.Warnings)...)
		for _, a := range rec.Emails {
			addrs = append(addrs, strings.ToLower(a))
		}
	}
	slices.Sort(addrs)
	return slices.Compact(addrs), notes, nil
}

// Apple's Contacts wrote this card as UTF-16BE without a byte order mark; it
// holds no address, and must be refused for that, not as a CSV of NULs.
func TestCorpusUTF16WithoutBOM(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "roundcube__utf-16_sample.vcf"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIPPED: the address-book corpus is not at %s (shared/corpora/books beside the checkout)", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text, enc := addrbook.Decode(f)
	if enc != addrbook.UTF16BE {
		t.Errorf("Decode found %s, want %s", enc, addrbook.UTF16BE)
	}
	book, err := addrbook.Open(text, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = book.Next()
	var row *addrbook.RowError
	if !errors.As(err, &row) || english(row.Reason) != "no e-mail address" {
		t.Errorf("Next = %v, want the card refused for having no e-mail address", err)
	}
}
