package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// messages holds every text of the pages, by language. Japanese is the
// default; a browser that prefers English gets English.
var messages = map[string]map[string]string{
	"ja": {
		"app":                      "owabi 対応状況",
		"sign_in":                  "ログイン",
		"name":                     "ユーザー名",
		"password":                 "パスワード",
		"sign_out":                 "ログアウト",
		"wrong_login":              "ユーザー名またはパスワードが違います。",
		"too_many_attempts":        "ログインの失敗が続いたため、しばらくログインできません。15分ほどおいてからお試しください。",
		"form_expired":             "フォームの有効期限が切れました。もう一度お試しください。",
		"sign_in_first":            "ログインしてください。",
		"forbidden":                "このページを見る権限がありません。",
		"internal_error":           "内部エラーが発生しました。管理者にお知らせください。",
		"dashboard":                "ダッシュボード",
		"category":                 "区分",
		"contacts":                 "連絡先",
		"addresses":                "アドレス",
		"sent":                     "送信済み",
		"failed":                   "送信失敗",
		"queued":                   "送信待ち",
		"total":                    "合計",
		"my_contacts":              "担当の連絡先",
		"no_contacts":              "担当の連絡先はまだありません。",
		"company":                  "会社名",
		"phone":                    "電話",
		"email":                    "メール",
		"customer":                 "顧客",
		"supplier":                 "仕入先",
		"employee":                 "社員",
		"unclassified":             "未分類",
		"signed_in_as":             "ログイン中:",
		"contact":                  "連絡先の詳細",
		"why":                      "判定の理由",
		"rule_manual":              "設定ファイルでの指定",
		"rule_own_domain":          "自社ドメインのアドレス",
		"rule_master_domain":       "取引先マスタのドメイン",
		"rule_master_company_name": "取引先マスタの会社名",
		"rule_label":               "アドレス帳のラベル",
		"rule_none":                "決め手なし",
		"rule_person":              "管理者が決定",
		"owner":                    "担当",
		"notices":                  "お知らせメール",
		"history":                  "通話の記録",
		"no_calls":                 "まだ記録はありません。",
		"log_call":                 "通話を記録する",
		"outcome":                  "結果",
		"outcome_reached":          "話せた",
		"outcome_no_answer":        "出なかった",
		"outcome_voicemail":        "留守電に残した",
		"outcome_wrong_number":     "番号違い",
		"outcome_call_back":        "かけ直しを頼まれた",
		"call_back_at":             "かけ直す日時",
		"hearing":                  "ヒアリング（話せた場合のみ）",
		"q_arrived":                "不審なメールは届いたか",
		"q_opened":                 "メールを開いたか",
		"q_clicked":                "リンク・添付を開いたか",
		"q_infected":               "感染の疑いがあるか",
		"q_deleted":                "メールを削除したか",
		"answer_yes":               "はい",
		"answer_no":                "いいえ",
		"answer_":                  "不明",
		"follow_up":                "今後の対応",
		"follow_up_":               "なし",
		"follow_up_apology_visit":  "お詫び訪問",
		"follow_up_virus_check":    "ウイルスチェック",
		"follow_up_virus_removal":  "ウイルス駆除",
		"follow_up_on":             "予定日",
		"follow_up_done":           "実施日",
		"follow_up_result":         "結果",
		"result_":                  "（未実施）",
		"result_done":              "実施済み",
		"result_no_infection":      "感染なし",
		"result_removed":           "駆除済み",
		"result_infected":          "感染あり（未駆除）",
		"result_without_date":      "結果を記録するときは、実施日も入れてください。",
		"remediated":               "対処済み",
		"note":                     "メモ",
		"save":                     "保存する",
		"saved_for":                "%s さんとの通話を記録しました。",
		"choose_outcome":           "通話の結果を選んでください。",
		"bad_call_back":            "かけ直す日時を入れてください。",
		"bad_date":                 "日付の形式が正しくありません。",
		"note_too_long":            "メモが長すぎます（4000文字まで）。",
		"bad_form":                 "入力内容を確認してください。",
		"state_queued":             "送信待ち",
		"state_sending":            "送信中",
		"state_sent":               "送信済み",
		"state_failed":             "送信失敗",
		"kind_deletion":            "削除のお願い",
		"kind_apology":             "お詫び",
		"urgency_at_risk":          "要対応：リンクを開いた・感染の疑い",
		"urgency_call_back":        "かけ直しの時間です",
		"urgency_notice_failed":    "お知らせメールが届いていません",
		"urgency_not_reached":      "まだ話せていません",
		"urgency_no_reply":         "お知らせに返事がありません：電話してください",
		"urgency_acknowledged":     "お知らせは確認済み・まだ話せていません",
		"urgency_done":             "話せました",
		"reached":                  "電話で話せた",
		"hearing_done":             "ヒアリング済み",
		"arrived":                  "不審メール受信",
		"clicked":                  "リンク等を開いた",
		"infected":                 "感染の疑い",
		"by":                       "記録者",
		"export":                   "連絡先一覧をダウンロード（Excel用CSV）",
		"import":                   "アドレス帳の取り込み",
		"import_help":              "流出したアドレス帳のファイル（Google・OutlookのCSV、vCard）を選んでください。形式と文字コードは自動で判定します。同じファイルを何度取り込んでも重複しません。",
		"file":                     "ファイル",
		"import_button":            "取り込む",
		"choose_file":              "取り込むファイルを選んでください。",
		"import_failed":            "取り込めませんでした（何も変更していません）：",
		"imported":                 "取り込みました",
		"past_imports":             "これまでの取り込み",
		"when":                     "日時",
		"entries":                  "件数",
		"added":                    "追加",
		"updated":                  "更新",
		"unchanged":                "変更なし",
		"merged":                   "統合",
		"rejected":                 "取り込めなかった行",
		"to_check":                 "確認が必要な行",
		"line":                     "行",
		"my_progress":              "担当 %d 件のうち、%d 件の方と話せました。",
		"back_to_list":             "担当の連絡先に戻る",
		"no_phone":                 "電話番号なし",
		"book_notes":               "アドレス帳のメモ",
		"no_notices":               "お知らせメールはまだ送っていません。",
		"dnc_set_button":           "連絡しないことにする",
		"dnc_lift_button":          "連絡を再開する",
		"person_name":              "氏名",
		"unassigned":               "担当なし",
		"next_unassigned":          "担当者が決まっていない連絡先が %d 件あります。「すべての連絡先」で担当なしを選び、担当を決めてください。",
		"next_unsent":              "削除のお願いをまだ送っていないアドレスが %d 件あります。送信の担当者（システム管理者）に送信を頼んでください（owabi send --kind deletion）。",
		"bad_done_date":            "実施日が先の日付になっています。実施した日を入れてください。",
		"call_back_past":           "かけ直す日時が過ぎています。これからの日時を入れてください。",
		"unknown_owner":            "そのメールアドレスの担当者がいません。担当者の一覧から選ぶか、先にその人のアカウントを作ってください。",
		"nobody":                   "（なし）",
		"format_google-csv":        "Google 連絡先 CSV",
		"format_google-csv-old":    "Google 連絡先 CSV（旧形式）",
		"format_outlook-csv":       "Outlook CSV",
		"format_outlook-csv-ja":    "Outlook CSV（日本語見出し）",
		"format_vcard":             "vCard",
		"format_csv":               "CSV（列を指定）",
		"what_contact":             "連絡",
		"dnc_yes":                  "連絡しないことにした",
		"dnc_no":                   "連絡を再開した",
		"dnc_set":                  "この方には連絡しない（理由）",
		"dnc_lift":                 "連絡を再開する（理由）",
		"dnc_help":                 "送信待ちのお知らせメールは取り消し、電話の一覧では最後に回します。",
		"dnc_banner":               "この方には連絡しないことになっています。",
		"give_reason_dnc":          "理由を書いてください（500文字まで）。",
		"urgency_withheld":         "連絡しない",
		"select":                   "選択",
		"reassign_selected":        "選択した連絡先の新しい担当（メールアドレス）",
		"choose_contacts":          "担当を変える連絡先を選んでください。",
		"reassigned":               "%d 件の連絡先の担当を変えました。",
		"next_steps":               "いまやること",
		"next_infected":            "感染の疑いがある方が %d 人います。ウイルスチェックと駆除の訪問を手配してください。",
		"next_clicked":             "リンクや添付を開いた方が %d 人います。感染していないか確認してください。",
		"next_unclassified":        "区分が決まっていない連絡先が %d 件あります。「すべての連絡先」で区分を選んでください。",
		"next_failed":              "届かなかったお知らせメールが %d 通あります。電話で連絡してください。",
		"next_call":                "まだ電話で話せていない方が %d 人います。担当者が「担当の連絡先」から電話します。",
		"next_none":                "全員と電話で話せました。報告書の準備に進めます。",
		"by_staff":                 "担当者ごと",
		"assigned":                 "担当件数",
		"outstanding":              "まだ話せていない",
		"call_backs_due":           "かけ直し待ち",
		"no_owners":                "担当者が決まっている連絡先はまだありません。",
		"last_call":                "最終",
		"call_back_due":            "かけ直し",
		"funnel":                   "区分ごとの状況（連絡先に対する割合）",
		"reached_per_day":          "電話で話せた人数（日ごと、直近14日）",
		"acked_per_day":            "お知らせを確認した人数（日ごと、直近14日）",
		"acknowledged":             "確認済み",
		"manage":                   "管理者の操作",
		"change_category":          "区分を変える",
		"reason":                   "理由（必須）",
		"change_owner":             "担当を変える",
		"owner_email":              "新しい担当のメールアドレス",
		"change":                   "変更する",
		"changed":                  "変更しました。",
		"give_reason":              "区分を変える理由を書いてください（500文字まで）。",
		"bad_owner":                "担当のメールアドレスが正しくありません。",
		"changes":                  "変更の記録",
		"what_category":            "区分",
		"what_owner":               "担当",
		"all_contacts":             "すべての連絡先",
		"search":                   "検索",
		"search_hint":              "氏名・ふりがな・会社名・電話・メール",
		"all":                      "すべて",
		"show":                     "表示",
		"none_found":               "該当する連絡先はありません。",
		"state":                    "状況",
		"order":                    "並べ方",
		"narrow":                   "絞り込み・並べ方",
		"order_number":             "登録順",
		"order_name":               "ふりがな順",
		"order_company":            "会社名順",
		"order_urgency":            "急ぐ順",
		"prev_page":                "前へ",
		"next_page":                "次へ",
		"page":                     "ページ",
		"back_home":                "最初のページへ",
		"not_found":                "そのページは見つかりません。",
		"forgot_password":          "パスワードを忘れたときは、管理者（個人情報保護管理者）に再設定を頼んでください。",
		"file_too_large":           "ファイルが大きすぎます（%d MBまで）。",
	},
	"en": {
		"app":                      "owabi response",
		"sign_in":                  "Sign in",
		"name":                     "User name",
		"password":                 "Password",
		"sign_out":                 "Sign out",
		"wrong_login":              "Wrong user name or password.",
		"too_many_attempts":        "Too many failed sign-ins. Please wait about 15 minutes and try again.",
		"form_expired":             "The form has expired. Please try again.",
		"sign_in_first":            "Please sign in.",
		"forbidden":                "You may not see this page.",
		"internal_error":           "Internal error. Please tell the administrator.",
		"dashboard":                "Dashboard",
		"category":                 "Category",
		"contacts":                 "Contacts",
		"addresses":                "Addresses",
		"sent":                     "Sent",
		"failed":                   "Failed",
		"queued":                   "Queued",
		"total":                    "Total",
		"my_contacts":              "My contacts",
		"no_contacts":              "No contacts are assigned to you yet.",
		"company":                  "Company",
		"phone":                    "Phone",
		"email":                    "E-mail",
		"customer":                 "Customer",
		"supplier":                 "Supplier",
		"employee":                 "Employee",
		"unclassified":             "Unclassified",
		"signed_in_as":             "Signed in as",
		"contact":                  "Contact",
		"why":                      "Why this category",
		"rule_manual":              "set in the configuration",
		"rule_own_domain":          "an address on our own domain",
		"rule_master_domain":       "a master-list company's domain",
		"rule_master_company_name": "a master-list company name",
		"rule_label":               "the address book's label",
		"rule_none":                "nothing decided it",
		"rule_person":              "decided by a manager",
		"owner":                    "Owner",
		"notices":                  "Notices",
		"history":                  "Calls",
		"no_calls":                 "Nothing logged yet.",
		"log_call":                 "Log a call",
		"outcome":                  "Outcome",
		"outcome_reached":          "Reached",
		"outcome_no_answer":        "No answer",
		"outcome_voicemail":        "Left a voicemail",
		"outcome_wrong_number":     "Wrong number",
		"outcome_call_back":        "Asked to call back",
		"call_back_at":             "Call back at",
		"hearing":                  "Hearing (only when reached)",
		"q_arrived":                "Did the spam arrive?",
		"q_opened":                 "Was it opened?",
		"q_clicked":                "Was the link or attachment opened?",
		"q_infected":               "Is infection suspected?",
		"q_deleted":                "Has it been deleted?",
		"answer_yes":               "Yes",
		"answer_no":                "No",
		"answer_":                  "Unknown",
		"follow_up":                "What follows",
		"follow_up_":               "Nothing",
		"follow_up_apology_visit":  "Apology visit",
		"follow_up_virus_check":    "Virus check",
		"follow_up_virus_removal":  "Virus removal",
		"follow_up_on":             "Planned for",
		"follow_up_done":           "Done on",
		"follow_up_result":         "Result",
		"result_":                  "(not done yet)",
		"result_done":              "Done",
		"result_no_infection":      "No infection",
		"result_removed":           "Infection removed",
		"result_infected":          "Infected, not yet removed",
		"result_without_date":      "To record a result, enter the date it was done as well.",
		"remediated":               "Remediated",
		"note":                     "Note",
		"save":                     "Save",
		"saved_for":                "The call with %s is logged.",
		"choose_outcome":           "Please choose how the call went.",
		"bad_call_back":            "Please give when to call back.",
		"bad_date":                 "That is not a date.",
		"note_too_long":            "The note is too long (4,000 characters at most).",
		"bad_form":                 "Please check what you entered.",
		"state_queued":             "Queued",
		"state_sending":            "Sending",
		"state_sent":               "Sent",
		"state_failed":             "Failed",
		"kind_deletion":            "Deletion request",
		"kind_apology":             "Apology",
		"urgency_at_risk":          "Act now: opened the link or infection suspected",
		"urgency_call_back":        "Time to call back",
		"urgency_notice_failed":    "Notice not delivered",
		"urgency_not_reached":      "Not spoken to yet",
		"urgency_no_reply":         "No answer to any notice: please call",
		"urgency_acknowledged":     "Acknowledged the notice, not spoken to yet",
		"urgency_done":             "Reached",
		"reached":                  "Reached",
		"hearing_done":             "Heard",
		"arrived":                  "Spam arrived",
		"clicked":                  "Opened the link",
		"infected":                 "Infection suspected",
		"by":                       "By",
		"export":                   "Download the contact list (CSV for Excel)",
		"import":                   "Import an address book",
		"import_help":              "Choose the leaked address book (Google or Outlook CSV, vCard). Its format and encoding are detected. Importing the same file again adds nothing twice.",
		"file":                     "File",
		"import_button":            "Import",
		"choose_file":              "Please choose a file to import.",
		"import_failed":            "Nothing was imported:",
		"imported":                 "Imported",
		"past_imports":             "Past imports",
		"when":                     "When",
		"entries":                  "Entries",
		"added":                    "Added",
		"updated":                  "Updated",
		"unchanged":                "Unchanged",
		"merged":                   "Merged",
		"rejected":                 "Entries not imported",
		"to_check":                 "Entries to check",
		"line":                     "Line",
		"my_progress":              "You have spoken to %[2]d of your %[1]d contacts.",
		"back_to_list":             "Back to my contacts",
		"no_phone":                 "No phone number",
		"book_notes":               "Notes from the address book",
		"no_notices":               "No notice has been sent yet.",
		"dnc_set_button":           "Do not contact",
		"dnc_lift_button":          "Contact again",
		"person_name":              "Name",
		"unassigned":               "No owner",
		"next_unassigned":          "%d contacts have no owner: choose No owner in All contacts and hand them to someone.",
		"next_unsent":              "%d addresses have no deletion request yet: ask whoever runs owabi to send them (owabi send --kind deletion).",
		"bad_done_date":            "The date it was done is in the future. Give the day it was done.",
		"call_back_past":           "That call-back time has passed. Give a time still to come.",
		"unknown_owner":            "Nobody on the staff has that address. Choose from the staff list, or make their account first.",
		"nobody":                   "(nobody)",
		"format_google-csv":        "Google Contacts CSV",
		"format_google-csv-old":    "Google Contacts CSV (older layout)",
		"format_outlook-csv":       "Outlook CSV",
		"format_outlook-csv-ja":    "Outlook CSV (Japanese headers)",
		"format_vcard":             "vCard",
		"format_csv":               "CSV (mapped columns)",
		"what_contact":             "Contact",
		"dnc_yes":                  "not to be contacted",
		"dnc_no":                   "may be contacted again",
		"dnc_set":                  "Do not contact this person (reason)",
		"dnc_lift":                 "Contact this person again (reason)",
		"dnc_help":                 "Notices still waiting are withdrawn, and the calling lists put them last.",
		"dnc_banner":               "This person is not to be contacted.",
		"give_reason_dnc":          "Please give the reason (500 characters at most).",
		"urgency_withheld":         "Not to be contacted",
		"select":                   "Select",
		"reassign_selected":        "New owner of the selected contacts (e-mail address)",
		"choose_contacts":          "Please select the contacts to hand over.",
		"reassigned":               "%d contacts have a new owner.",
		"next_steps":               "What to do now",
		"next_infected":            "%d people may have an infected PC: arrange a virus check and removal visit.",
		"next_clicked":             "%d people opened the link or attachment: check that they are not infected.",
		"next_unclassified":        "%d contacts have no category yet: choose one in All contacts.",
		"next_failed":              "%d notices could not be delivered: phone those people.",
		"next_call":                "%d people have not been spoken to yet: their owners call them from My contacts.",
		"next_none":                "Everyone has been spoken to: the report can be prepared.",
		"by_staff":                 "By member of staff",
		"assigned":                 "Assigned",
		"outstanding":              "Not spoken to yet",
		"call_backs_due":           "Call-backs due",
		"no_owners":                "No contact has an owner yet.",
		"last_call":                "Last",
		"call_back_due":            "call back",
		"funnel":                   "Where each category stands (share of its contacts)",
		"reached_per_day":          "People first reached by phone, per day (last 14 days)",
		"acked_per_day":            "People who first acknowledged a notice, per day (last 14 days)",
		"acknowledged":             "Acknowledged",
		"manage":                   "Manager's actions",
		"change_category":          "Change the category",
		"reason":                   "Reason (required)",
		"change_owner":             "Hand to another member of staff",
		"owner_email":              "New owner's e-mail address",
		"change":                   "Change",
		"changed":                  "Changed.",
		"give_reason":              "Please give the reason for the new category (500 characters at most).",
		"bad_owner":                "The owner's e-mail address is not valid.",
		"changes":                  "Changes",
		"what_category":            "Category",
		"what_owner":               "Owner",
		"all_contacts":             "All contacts",
		"search":                   "Search",
		"search_hint":              "name, reading, company, phone, e-mail",
		"all":                      "All",
		"show":                     "Show",
		"none_found":               "No contact matches.",
		"state":                    "State",
		"order":                    "Order",
		"narrow":                   "Filter and order",
		"order_number":             "As imported",
		"order_name":               "By reading",
		"order_company":            "By company",
		"order_urgency":            "Most urgent first",
		"prev_page":                "Previous",
		"next_page":                "Next",
		"page":                     "Page",
		"back_home":                "Back to the start",
		"not_found":                "There is no such page.",
		"forgot_password":          "Forgot your password? Ask the manager (the personal-information protection officer) to set a new one.",
		"file_too_large":           "the file is larger than %d MB.",
	},
}

// language is "en" when the browser ranks English above Japanese, else "ja".
func language(r *http.Request) string {
	if lang, ok := r.Context().Value(langKey{}).(string); ok {
		return lang
	}
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

// inLanguage is what owabi wrote in English about an entry, a file or a
// decision, in lang.
func inLanguage(lang, s string) string {
	if lang == "ja" {
		return wording.Japanese(s)
	}
	return s
}

// langKey holds, in a request's context, the language its user chose.
type langKey struct{}

// telURL is a phone number as a tel: link, or "" when it does not hold a
// number to dial. Full-width digits count; an extension or a note after
// the number ("内線 12", "(代表)", "ext. 3") is left out, and so is the
// "(0)" written after a country code.
func telURL(phone string) template.URL {
	p := strings.ReplaceAll(norm.NFKC.String(phone), "(0)", "")
	var b strings.Builder
	digits := 0
	for _, r := range p {
		switch {
		case '0' <= r && r <= '9':
			b.WriteRune(r)
			digits++
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case strings.ContainsRune(" .()ー－−～〜", r) || unicode.Is(unicode.Pd, r) || unicode.IsSpace(r):
			// separators within the number: spaces, brackets, and every
			// kind of dash Japanese text uses
		case digits > 0:
			return telOf(b.String(), digits) // an extension or a note follows
		}
	}
	return telOf(b.String(), digits)
}

// telOf is the link for number, when it has enough digits to dial.
func telOf(number string, digits int) template.URL {
	if digits < 6 {
		return ""
	}
	return template.URL("tel:" + number)
}

// funcs are the helpers the pages use.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"tel":     telURL,
		"name":    func(r notify.Record) string { return r.Name() },
		"checked": checked,
		// reason is what owabi wrote about an entry or a decision, in the
		// page's language.
		"reason": inLanguage,
		// local is a time in the organisation's zone, "" when not set.
		"local": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(s.Zone).Format("2006-01-02 15:04")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		// msg looks up the text of a code (an outcome, an answer) in the page's language.
		"msg": func(t map[string]string, prefix string, code any) string {
			return t[prefix+fmt.Sprint(code)]
		},
	}
}
