package addrbook_test

import (
	"bytes"
	"testing"

	"github.com/owabi/owabi/notify/addrbook"
)

func FuzzVCard(f *testing.F) {
	for _, name := range []string{"vcard30_iphone.vcf", "vcard40.vcf", "vcard21_sjis_qp.vcf", "vcard21_outlook_cp932.vcf"} {
		if data, err := readFileBytes("../../testdata/books/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := addrbook.Decode(bytes.NewReader(data))
		if v, err := addrbook.NewVCard(text); err == nil {
			checkEntries(t, v, len(data))
		}
	})
}
