package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/owabi/owabi/notify"
)

// messages holds every text of the pages, by language. Japanese is the
// default; a browser that prefers English gets English.
var messages = map[string]map[string]string{
	"ja": {
		"app":               "owabi 対応状況",
		"sign_in":           "ログイン",
		"name":              "ユーザー名",
		"password":          "パスワード",
		"sign_out":          "ログアウト",
		"wrong_login":       "ユーザー名またはパスワードが違います。",
		"too_many_attempts": "ログインの失敗が続いたため、しばらくログインできません。15分ほどおいてからお試しください。",
		"form_expired":      "フォームの有効期限が切れました。もう一度お試しください。",
		"sign_in_first":     "ログインしてください。",
		"forbidden":         "このページを見る権限がありません。",
		"internal_error":    "内部エラーが発生しました。管理者にお知らせください。",
		"dashboard":         "ダッシュボード",
		"category":          "区分",
		"contacts":          "連絡先",
		"addresses":         "アドレス",
		"sent":              "送信済み",
		"failed":            "送信失敗",
		"queued":            "送信待ち",
		"total":             "合計",
		"my_contacts":       "担当の連絡先",
		"no_contacts":       "担当の連絡先はまだありません。",
		"company":           "会社名",
		"phone":             "電話",
		"email":             "メール",
		"customer":          "顧客",
		"supplier":          "仕入先",
		"employee":          "社員",
		"unclassified":      "未分類",
		"signed_in_as":      "ログイン中:",
	},
	"en": {
		"app":               "owabi response",
		"sign_in":           "Sign in",
		"name":              "User name",
		"password":          "Password",
		"sign_out":          "Sign out",
		"wrong_login":       "Wrong user name or password.",
		"too_many_attempts": "Too many failed sign-ins. Please wait about 15 minutes and try again.",
		"form_expired":      "The form has expired. Please try again.",
		"sign_in_first":     "Please sign in.",
		"forbidden":         "You may not see this page.",
		"internal_error":    "Internal error. Please tell the administrator.",
		"dashboard":         "Dashboard",
		"category":          "Category",
		"contacts":          "Contacts",
		"addresses":         "Addresses",
		"sent":              "Sent",
		"failed":            "Failed",
		"queued":            "Queued",
		"total":             "Total",
		"my_contacts":       "My contacts",
		"no_contacts":       "No contacts are assigned to you yet.",
		"company":           "Company",
		"phone":             "Phone",
		"email":             "E-mail",
		"customer":          "Customer",
		"supplier":          "Supplier",
		"employee":          "Employee",
		"unclassified":      "Unclassified",
		"signed_in_as":      "Signed in as",
	},
}

// language is "en" when the browser ranks English above Japanese, else "ja".
func language(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(strings.ToLower(part)), ";")
		switch {
		case strings.HasPrefix(tag, "ja"):
			return "ja"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "ja"
}

var funcs = template.FuncMap{
	// tel is a phone number as a tel: link.
	"tel": func(phone string) template.URL {
		var b strings.Builder
		for _, r := range phone {
			if r == '+' || '0' <= r && r <= '9' {
				b.WriteRune(r)
			}
		}
		return template.URL("tel:" + b.String())
	},
	"name": func(r notify.Record) string { return r.Name() },
}
