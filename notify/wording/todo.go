package wording

import (
	"fmt"

	"github.com/owabi/owabi/notify"
)

// todos say what there is to do next (notify.Dashboard.Todo), for the
// manager on the dashboard and the operator of owabi status, by language.
var todos = map[string]map[notify.Task]string{
	"ja": {
		notify.TaskAtRisk:       "感染の恐れがあり、まだ確かめていない方が %d 人います（リンクや添付を開いた・感染の疑い）。ウイルスチェック（必要なら駆除）の訪問を手配してください。",
		notify.TaskCallBack:     "折り返しの時間が来た方が %d 人います。担当者から電話してください。",
		notify.TaskLookAlike:    "自社か取引先のドメインに見せかけた可能性のあるアドレスの連絡先が %d 件あります。送信の前に、どなたか確かめて区分を決めてください。",
		notify.TaskUnverified:   "確かめが必要なメールが %d 件あります（なりすましの可能性があるため、記録に数えていません）。連絡先ごとに内容を見て、認めるか退けてください。",
		notify.TaskUnclassified: "区分が決まっていない連絡先が %d 件あります。「すべての連絡先」で区分を選んでください。",
		notify.TaskUnassigned:   "担当者が決まっていない連絡先が %d 件あります。「すべての連絡先」で担当なしを選び、担当を決めてください。",
		notify.TaskUnsent:       "削除のお願いをまだ送っていないアドレスが %d 件あります。送信の担当者（システム管理者）に送信を頼んでください（owabi send --kind deletion）。",
		notify.TaskFailed:       "届かなかったお知らせメールが %d 通あります。電話で連絡してください。",
		notify.TaskCall:         "まだ電話で話せていない方が %d 人います。担当者が「担当の連絡先」から電話します。",
		notify.TaskDone:         "全員と電話で話せました。報告書の準備に進めます。",
	},
	"en": {
		notify.TaskAtRisk:       "%d people may have an infected PC that nobody has checked yet (they opened the link or attachment, or fear an infection): arrange a virus check, and removal if need be.",
		notify.TaskCallBack:     "%d people are due the call back they asked for: their owners should call them now.",
		notify.TaskLookAlike:    "%d contacts have an address that may imitate our own or a master-list company's domain: find out who they are and choose their category before sending.",
		notify.TaskUnverified:   "%d mails need checking (they may be forged, so they are not counted): open each contact, read the mail, then confirm or dismiss it.",
		notify.TaskUnclassified: "%d contacts have no category yet: choose one in All contacts.",
		notify.TaskUnassigned:   "%d contacts have no owner: choose No owner in All contacts and hand them to someone.",
		notify.TaskUnsent:       "%d addresses have no deletion request yet: ask whoever runs owabi to send them (owabi send --kind deletion).",
		notify.TaskFailed:       "%d notices could not be delivered: phone those people.",
		notify.TaskCall:         "%d people have not been spoken to yet: their owners call them from My contacts.",
		notify.TaskDone:         "Everyone has been spoken to: the report can be prepared.",
	},
}

// Todo says in lang what there is to do and for how many.
func Todo(lang string, t notify.Todo) string {
	texts, ok := todos[lang]
	if !ok {
		texts = todos["en"]
	}
	if t.Task == notify.TaskDone {
		return texts[t.Task]
	}
	return fmt.Sprintf(texts[t.Task], t.N)
}
