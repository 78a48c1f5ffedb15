package wording

import (
	"fmt"
	"time"

	"github.com/owabi/owabi/notify"
)

// files say what stays of the personal data outside the database, for the
// purge on the command line and in the web app, by language.
var files = map[string]map[string]string{
	"ja": {
		"left": "削除の対象はデータベースだけです。データベースの外のファイルには個人データが残っています。" +
			"owabi が書いた次のものがまだ残っているので、必ず削除してください（サーバーで owabi purge --files を実行すると削除できます）：",
		"none":                           "owabi がデータベースの外に書いたファイルで、残っているものはありません。",
		"others":                         "owabi の知らない写し（取り込んだアドレス帳のファイル、別の場所へのコピー、メールの添付、印刷物）があれば、それも破棄してください。",
		"when":                           "（%s、%s）",
		string(notify.FileBackup):        "バックアップ %[1]s",
		string(notify.FileExport):        "書き出した連絡先一覧 %[1]s",
		string(notify.FileBeforeRestore): "復元の前に残したデータベースの写し %[1]s",
		string(notify.FileCaptures):      "デモが受け取ったメール %[2]d 通（.eml ファイル）%[1]s",
		"handed_out":                     "取り出された連絡先一覧（ウェブ画面からのダウンロード、または標準出力への書き出し。保存先は owabi には分かりません）",
	},
	"en": {
		"left": "A purge erases the database only: files outside it still hold the personal data. " +
			"owabi wrote these, and they are still there: delete them (owabi purge --files, run on the server, deletes them):",
		"none":                           "No file that owabi wrote outside the database is still there.",
		"others":                         "Destroy too any copy owabi cannot know of: the address book file that was imported, copies made elsewhere, mail attachments, printouts.",
		"when":                           " (%s, %s)",
		string(notify.FileBackup):        "backup %[1]s",
		string(notify.FileExport):        "exported contact list %[1]s",
		string(notify.FileBeforeRestore): "the database as it was before a restore, %[1]s",
		string(notify.FileCaptures):      "%[2]d mails the demo captured (.eml files) in %[1]s",
		"handed_out":                     "a contact list taken out (downloaded from the web app, or written to standard output: owabi cannot know where it went)",
	},
}

func filesIn(lang string) map[string]string {
	if t, ok := files[lang]; ok {
		return t
	}
	return files["en"]
}

// FilesLeft is what to tell, in lang, before the list of files still left
// (notify.LeftBehind): that they hold personal data and are to be deleted;
// or, when none is left, that none is.
func FilesLeft(lang string, left []notify.WrittenFile) string {
	if len(left) == 0 {
		return filesIn(lang)["none"]
	}
	return filesIn(lang)["left"]
}

// FilesOthers asks, in lang, to destroy the copies owabi cannot know of.
func FilesOthers(lang string) string { return filesIn(lang)["others"] }

// File says in lang what a file left is, where, and when and by whom it
// was written (in zone).
func File(lang string, f notify.WrittenFile, zone *time.Location) string {
	t := filesIn(lang)
	what := t["handed_out"]
	if f.Path != "" {
		what = fmt.Sprintf(t[string(f.Kind)], f.Path, f.Files)
	}
	return what + fmt.Sprintf(t["when"], f.At.In(zone).Format("2006-01-02 15:04"), f.Actor)
}
