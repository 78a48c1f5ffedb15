// Package wording is how owabi says things to people, in Japanese and
// English: one catalogue per language (ja.go, en.go) holds every fixed
// text of the pages, the reports, what a delivery problem means, what to
// do next and what a purge leaves, and Say writes one with its values,
// English words following their count (golang.org/x/text/message). It
// also puts into Japanese the English sentences the address-book readers
// and the classifier write (wording.go), and writes counts (sizes.go).
package wording
