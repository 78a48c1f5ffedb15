// Package addrbook reads address-book exports into notify.Record values.
//
// Decode turns a file's bytes into UTF-8 (UTF-8 with or without a BOM,
// UTF-16, or Windows Shift_JIS), and Open picks the reader for its format:
// Google Contacts CSV (current and older layouts), Outlook CSV (English or
// Japanese headers), any other CSV whose columns a Mapping names, and vCard
// 2.1, 3.0 and 4.0. Each reader returns one entry at a time, so a large
// book never has to fit in memory and a bad entry is reported, with its
// line and a reason a person understands, without losing the rest.
//
// Addresses are normalised (NormalizeEmail: width folded, domain lower-case
// and in xn-- form); names, companies and phones keep their text, but one
// that could smuggle a line into a mail header rejects its entry.
//
// Everything here is pure: no files, no network, no clock.
package addrbook
