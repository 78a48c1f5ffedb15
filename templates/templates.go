// Package templates embeds the texts owabi writes: the notices in Japanese
// and English (a folder set in the config can override any of them) and
// the pages of the staff web app.
package templates

import "embed"

// FS holds mail/{lang}/{kind}[_{category}].tmpl and the web app's pages,
// web/*.tmpl, with their style sheet.
//
//go:embed mail web
var FS embed.FS
