// Package templates embeds the texts owabi writes: the notices in Japanese
// and English (a folder set in the config can override any of them), the
// pages of the staff web app and the printable page of the reports.
package templates

import "embed"

// FS holds mail/{lang}/{kind}[_{category}].tmpl, the web app's pages,
// web/*.tmpl, with their style sheet, and the reports' page,
// report/report.tmpl, with its own.
//
//go:embed mail web report
var FS embed.FS
