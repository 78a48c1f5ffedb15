// Package classify decides whether each person in a leaked address book is a
// customer, a supplier or an employee, and records which rule decided and
// why, so a manager can check the outcome before any notice is sent.
//
// The rules, first match wins: a manual override for one of the person's
// addresses; an address on a look-alike of the organisation's own domain or
// of a master's (sakura-prіnt with a Cyrillic і, kikyo-f0ods): left
// unclassified, rule "lookalike", for a person to decide, as a label or a
// company name typed by whoever made the entry proves nothing then (see
// lookalike.go); an address on the organisation's own domain (employee); an
// address on the e-mail domain of a company in a master list, unless that
// domain is free mail; the company name matching a master list after
// folding width, case, spaces and company-form words (see CompanyKey); an
// address-book label such as 顧客. Anything else is left unclassified for a
// person to decide.
//
// Everything here is pure: the caller reads the files and applies defaults.
package classify
