// Package wording is how owabi says things to people, in Japanese and
// English: one catalogue per language (ja.go, en.go) holds every fixed
// text of the pages, the reports, what a delivery problem means, what to
// do next and what a purge leaves, and Say writes one with its values,
// English words following their count (golang.org/x/text/message).
//
// Said (said.go) says a notify.Said in a reader's language: what the audit
// trail says happened, why a reader rejected or flagged an entry, why the
// classifier gave a contact its category, what went wrong with a file.
// Fail and Wrap make errors that say a Said: in English as their message,
// for the command line and the logs, and in a reader's language through
// Error. It writes counts too (sizes.go).
package wording
