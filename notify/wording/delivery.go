package wording

import "github.com/owabi/owabi/notify"

// Problem says in lang ("ja" or "en") what a delivery problem means.
func Problem(lang string, p notify.Problem) string {
	return Say(lang, "problem."+string(p))
}

// Delivery says in lang what a server's reply means, with the codes a
// mail administrator would ask for: 「このアドレスは存在しません（550 5.1.1）」.
func Delivery(lang string, r notify.ServerReply) string {
	s := Problem(lang, r.Problem())
	if c := r.Codes(); c != "" {
		if lang == "ja" {
			return s + "（" + c + "）"
		}
		return s + " (" + c + ")"
	}
	return s
}
