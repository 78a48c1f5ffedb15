// Package addrbook reads address-book exports into notify.Record values.
//
// Each format has a reader with a Next method that returns one entry at a
// time, so a large book never has to fit in memory and a bad entry can be
// reported without losing the rest. Today it reads the current Google
// Contacts CSV export (UTF-8, with or without a BOM, LF or CRLF); other
// formats and encodings are meant to be added as further readers beside it.
//
// Everything here is pure: no files, no network, no clock.
package addrbook
