// Package templates embeds the texts owabi writes: the notices in Japanese
// and English. A folder set in the config can override any of them.
package templates

import "embed"

// FS holds mail/{lang}/{kind}[_{category}].tmpl.
//
//go:embed mail
var FS embed.FS
