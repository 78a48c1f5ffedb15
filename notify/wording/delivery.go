package wording

import "github.com/owabi/owabi/notify"

// problems say what a delivery problem means, for the people who follow
// the contact up, by language.
var problems = map[string]map[notify.Problem]string{
	"ja": {
		notify.NoSuchAddress:    "このアドレスは存在しません",
		notify.NoSuchDomain:     "このアドレスのドメインはメールを受け取りません",
		notify.MailboxDisabled:  "このアドレスは使われていません（停止中）",
		notify.MailboxFull:      "受信者のメールボックスが一杯です",
		notify.TooBig:           "メールが大きすぎるため受け取られませんでした",
		notify.RefusedAsSpam:    "迷惑メールとして拒否されました",
		notify.SenderNotTrusted: "送信元の認証（SPF・DKIM・DMARC）が通らず拒否されました。送信の設定を確認してください",
		notify.RefusedByPolicy:  "メールサーバーの方針により拒否されました",
		notify.SendingRefused:   "当社のメールサーバーが送信を受け付けません（中継の拒否、認証、送信数の上限など）。送信の設定を確認してください",
		notify.TryLater:         "メールサーバーが一時的に受け取りを断りました",
		notify.GaveUp:           "配信を何日か試みましたが届きませんでした（相手のメールサーバーの一時的な不調が続きました）。アドレスは生きている可能性があります",
		notify.ConnectionLost:   "メールサーバーとの接続が切れました（応答なし）",
		notify.NotWritten:       "お知らせを作成できませんでした（テンプレートを確認してください）",
		notify.Refused:          "メールサーバーが受け取りを拒否しました",
	},
	"en": {
		notify.NoSuchAddress:    "The address does not exist",
		notify.NoSuchDomain:     "The address's domain takes no mail",
		notify.MailboxDisabled:  "The mailbox is disabled",
		notify.MailboxFull:      "The recipient's mailbox is full",
		notify.TooBig:           "The message is too large for the recipient's server",
		notify.RefusedAsSpam:    "Refused as spam",
		notify.SenderNotTrusted: "Refused because our mail failed SPF, DKIM or DMARC: check the sending setup",
		notify.RefusedByPolicy:  "Refused by a mail server's rules",
		notify.SendingRefused:   "Our own mail server refuses to send (relaying, login, a sending limit): check the sending setup",
		notify.TryLater:         "A mail server turned it away for now",
		notify.GaveUp:           "The mail system kept trying for days and gave up (the refusals were temporary): the address may well work",
		notify.ConnectionLost:   "The connection to the mail server was lost (no reply)",
		notify.NotWritten:       "The notice could not be written (check the templates)",
		notify.Refused:          "A mail server refused it",
	},
}

// Problem says in lang ("ja" or "en") what a delivery problem means.
func Problem(lang string, p notify.Problem) string {
	if t, ok := problems[lang]; ok {
		return t[p]
	}
	return problems["en"][p]
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
