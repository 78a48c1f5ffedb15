package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/web"
)

// demodata is the project's own copy of the fictional sample book of さくら
// 印刷株式会社 (243 people) and its customer and supplier master lists.
//
//go:embed demodata/*.csv
var demodata embed.FS

func runDemo(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("demo", g, e, "[--data DIR] [--no-serve]")
	dir := fs.String("data", "owabi-demo", "the `folder` for the demo's database, config and captured mails")
	noServe := fs.Bool("no-serve", false, "exit after sending instead of serving until Ctrl-C")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	for _, name := range []string{"customers.csv", "suppliers.csv"} {
		if err := copyDemoFile(name, filepath.Join(*dir, name)); err != nil {
			return err
		}
	}
	mailDir := filepath.Join(*dir, "mail")
	capture, err := smtptest.Start(mailDir)
	if err != nil {
		return fmt.Errorf("start the capture SMTP server: %w", err)
	}
	defer capture.Close()
	g.config = filepath.Join(*dir, "owabi.toml")
	if err := writeDemoConfig(g.config, capture.Port, demoWebAddr()); err != nil {
		return err
	}
	if err := demoYesterday(g.config, time.Now()); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	// The captures hold the people's names and addresses: a purge names
	// the folder, which it does not erase.
	captures, _ := filepath.Abs(mailDir)
	if err := a.db.RecordFile(ctx, notify.WrittenFile{Kind: notify.FileCaptures, Path: captures}); err != nil {
		return err
	}

	book, err := demodata.Open("demodata/google_contacts.csv")
	if err != nil {
		return err
	}
	books, err := a.books("")
	if err != nil {
		return err
	}
	imp, err := books.Import(ctx, "google_contacts.csv", book, respond.ImportOptions{})
	book.Close()
	if err != nil {
		return err
	}
	q, err := a.notices().Queue(ctx, notify.Deletion, respond.QueueOptions{Lang: a.cfg.Organisation.Language})
	if err != nil {
		return err
	}
	if err := a.deliver(ctx, false); err != nil {
		return err
	}
	st, err := a.db.Status(ctx)
	if err != nil {
		return err
	}
	logins, err := demoAccounts(ctx, a)
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "\nowabi demo: the leaked address book of %s (fictional)\n\n", a.cfg.Organisation.Name)
	fmt.Fprintf(w, "  Imported    %d entries: %d contacts added, %d addresses added, %d rejected\n",
		imp.Records, imp.Added, imp.AddressesAdded, imp.RejectedCount)
	fmt.Fprintf(w, "  Classified  %d customers, %d suppliers, %d employees, %d unclassified\n",
		st.Categories[notify.Customer], st.Categories[notify.Supplier], st.Categories[notify.Employee], st.Categories[notify.Unclassified])
	n := st.ByKind[notify.Deletion]
	fmt.Fprintf(w, "  Deletion requests  %d queued now; %d sent, %d failed, %d waiting in all\n",
		q.Queued, n[notify.Sent], n[notify.Failed], n[notify.Queued]+n[notify.Sending])
	fmt.Fprintf(w, "  Captured mails     %d received by the capture server, saved as .eml files in %s\n", capture.Count(), mailDir)
	fmt.Fprintf(w, "  Database           %s\n", a.db.Path())
	me := invokedAs(os.Args[0])
	if *noServe {
		fmt.Fprintf(w, "\nStaff web app: %s once served (%s --config %s serve); new passwords each time the demo runs\n", a.webURL(a.cfg.Web.Addr), me, g.config)
	} else {
		fmt.Fprintf(w, "\nStaff web app: open %s  (new passwords each time the demo runs)\n", a.webURL(a.cfg.Web.Addr))
	}
	for _, l := range logins {
		fmt.Fprintf(w, "  sign in as %-12s password %s   (%s)\n", l.name, l.password, l.what)
	}
	fmt.Fprintf(w, "\nTry next:\n")
	fmt.Fprintf(w, "  %s --config %s status\n", me, g.config)
	fmt.Fprintf(w, "  %s --config %s contacts --category unclassified   (whom the rules could not classify)\n", me, g.config)
	fmt.Fprintf(w, "  %s --config %s preview --kind apology --contact megumi.fujita@seiryu-saketen.example.jp\n", me, g.config)
	fmt.Fprintf(w, "  %s --config %s report --kind incident --format md   (the incident report, from what was recorded)\n", me, g.config)
	if *noServe {
		fmt.Fprintf(w, "  (nothing is serving now; run \"%s demo --data %s\" to serve the web app and the capture server)\n", me, *dir)
		return nil
	}
	fmt.Fprintf(w, "  %s --config %s send --kind apology   (this demo keeps sending while it runs)\n", me, g.config)
	fmt.Fprintf(w, "\nServing the web app at %s; the capture SMTP server listens on %s. Press Ctrl-C to stop.\n", a.webURL(a.cfg.Web.Addr), capture.Addr())
	return a.serve(ctx)
}

// demoWebAddr is 127.0.0.1:8080, or another free port on loopback when
// something else has 8080.
func demoWebAddr() string {
	for _, addr := range []string{"127.0.0.1:8080", "127.0.0.1:0"} {
		if ln, err := net.Listen("tcp", addr); err == nil {
			addr = ln.Addr().String()
			ln.Close()
			return addr
		}
	}
	return "127.0.0.1:8080"
}

// login is a demo account to try the web app with.
type login struct{ name, password, what string }

// demoAccounts gives the demo a manager and a salesperson for each owner in
// the master lists, each with a new password, and returns the manager's
// and the first salesperson's sign-in.
func demoAccounts(ctx context.Context, a *app) ([]login, error) {
	owners, err := a.db.Owners(ctx)
	if err != nil {
		return nil, err
	}
	accounts := []notify.User{{Name: "manager", Role: notify.Manager}}
	taken := map[string]bool{"manager": true}
	for _, o := range owners {
		// The name is the address's local part, made unique: sato@a and
		// sato@b must not share an account.
		if o.Name != "" {
			continue // has an account already
		}
		base := strings.SplitN(o.Email, "@", 2)[0]
		name := base
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s%d", base, i)
		}
		taken[name] = true
		accounts = append(accounts, notify.User{Name: name, Email: o.Email, Role: notify.Sales})
	}
	var logins []login
	for i, u := range accounts {
		password := onetimePassword()
		hash, err := web.HashPassword(password)
		if err != nil {
			return nil, err
		}
		_, err = a.db.AddUser(ctx, u, hash)
		if notify.ErrorCode(err) == notify.ECONFLICT { // the demo ran here before
			err = a.db.SetPassword(ctx, u.Name, hash)
		}
		if err != nil {
			return nil, err
		}
		switch {
		case i == 0:
			logins = append(logins, login{u.Name, password, "the manager: dashboard"})
		case len(logins) == 1 && !strings.EqualFold(u.Email, a.cfg.Classify.EmployeeOwner): // a salesperson, not the internal desk
			logins = append(logins, login{u.Name, password, fmt.Sprintf("a salesperson, on a phone: their %s contacts", u.Email)})
		}
	}
	return logins, nil
}

// onetimePassword is 12 letters and digits that cannot be mistaken for
// one another.
func onetimePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func copyDemoFile(name, to string) error {
	b, err := demodata.ReadFile("demodata/" + name)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// demoYesterday moves the demo's incident to yesterday, so that the
// dashboard's report deadlines count down from a day ago rather than from
// a fixed date long past.
func demoYesterday(path string, now time.Time) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return err
	}
	day := now.In(tokyo).AddDate(0, 0, -1).Format(time.DateOnly)
	return os.WriteFile(path, bytes.ReplaceAll(b, []byte(demoIncidentDay+"T"), []byte(day+"T")), 0o600)
}

// demoIncidentDay is the day of the incident in the demo's config as
// written; the demo command moves it to yesterday.
const demoIncidentDay = "2026-11-20"

// writeDemoConfig writes the demo's config, pointed at the capture server,
// so that every other command can carry on from it with --config.
func writeDemoConfig(path string, port int, webAddr string) error {
	var b bytes.Buffer
	if err := demoConfig.Execute(&b, map[string]any{"Port": port, "WebAddr": webAddr}); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

var demoConfig = template.Must(template.New("owabi.toml").Parse(`# owabi demo config, written by "owabi demo". Everything here is fictional.
# config.example.toml in the project documents every key.

[store]
path = "owabi.db"

[organisation]
name = "さくら印刷株式会社"
name_en = "Sakura Printing Co., Ltd."
domains = ["sakura-print.example.jp"]
from_address = "soudan@sakura-print.example.jp"
from_name = "さくら印刷株式会社 お客様相談窓口"
desk_name = "お客様相談窓口"
desk_phone = "03-0000-1234"
desk_email = "soudan@sakura-print.example.jp"
desk_hours = "平日 9:00〜18:00"
desk_name_en = "Customer Desk"
desk_hours_en = "weekdays 9:00-18:00 JST"
desk_fax = "03-0000-1235"
internal_desk_name = "情報システム部"
internal_desk_phone = "03-0000-1240"
internal_desk_email = "it@sakura-print.example.jp"
internal_desk_name_en = "IT Department"
desk_staff = [
	{ name = "総務部 桜井 花子", mobile = "090-0000-0001" },
	{ name = "営業部 大塚 浩二", mobile = "090-0000-0002" },
]
language = "ja"
time_zone = "Asia/Tokyo"
# Who reports to the regulators, as their forms ask (the reports print
# them; optional).
address = "東京都千代田区〇〇町1-2-3"
representative = "代表取締役 桜井 一郎"
corporate_number = "0000000000000"
privacy_mark = "第00000000号"

[incident]
occurred_at = 2026-11-20T13:30:00+09:00
discovered_at = 2026-11-20T16:10:00+09:00
intentional = true
source = "own"
spam_from = "sakura-eigyo.k@freemail.example.jp"
spam_subject = "【至急】お見積書送付のご案内"
spam_sent_at = 2026-11-20T14:05:00+09:00
spam_url = "https://invoice-download.example.net/mitsumori.zip"
summary = "営業部社員が業務連絡に使用していたウェブメールのアカウントに第三者が不正にログインし、アドレス帳に登録されていた全員に不審なメールを送信しました。"
background = """
取引先から「御社の社員から不審なメールが届いた」との電話があり、調査したところ、営業部社員のウェブメールのアカウントに第三者が不正にログインし、アドレス帳の全員に不審なメールを送信していたことが判明しました。
"""
cause = "営業部社員が、他のサービスと同じパスワードをウェブメールに使用しており、他のサービスから流出したパスワードで第三者にログインされたためです。当該ウェブメールには二要素認証を設定していませんでした。"
medium = "ウェブメールのアドレス帳（電子データ）"
leaked_items = "アドレス帳に登録されていた氏名、会社名、部署名、メールアドレス、電話番号"
measures = """
当該アカウントのパスワードを変更し、第三者のログインを遮断しました。
当該社員のパソコンのウイルス検査を行い、感染のないことを確認しました。
"""
caused_by = "外部の第三者（当社営業部社員のアカウントへの不正ログイン）"
intent = "第三者による意図的な不正アクセスです。当社社員の不注意（パスワードの使い回し）がその原因となりました。"
response = "アドレス帳に登録されていた全員に、メールで不審なメールの削除を依頼するとともに謝罪し、担当者が電話で状況を聴取しています。希望者には訪問のうえ説明し、パソコンを点検します。"
publication = "当社ウェブサイトにお知らせを掲載します。"
secondary_damage = "不審なメールのリンクや添付ファイルを開くと、パソコンがウイルスに感染するおそれがあります。現時点で、ウイルス感染などの二次被害は確認されていません。"
prevention = """
業務でのウェブメール利用を禁止し、全社のメールに二要素認証を導入します。
全社員に標的型メールの訓練を実施します。
"""
prevention_organisational = "業務で使用するメールサービスを会社が管理するものに限り、その利用を定期的に点検します。"
prevention_human = "全社員に、パスワードの使い回しの禁止と標的型メールへの対処について研修と訓練を実施します。"
prevention_physical = ""
prevention_technical = "全社のメールに二要素認証を導入し、海外などからの不審なログインを検知して通知する設定を行います。"
report_to = "個人情報保護委員会、一般財団法人日本情報経済社会推進協会（JIPDEC）"
reporter = "総務部 個人情報保護管理者 山本 花子（電話 03-0000-1200、メール privacy@sakura-print.example.jp）"

[incident.en]
# The same in English, for English notices and reports; a key left out
# here is told in Japanese.
summary = "A third party logged in without authorisation to the webmail account a member of our sales staff used for work, and sent a suspicious e-mail to everyone in its address book."
background = """
A business partner called to say that a suspicious e-mail had arrived from one of our staff. We found that a third party had logged in to the webmail account of a member of our sales staff and sent suspicious e-mail to everyone in its address book.
"""
cause = "The employee used the same password for the webmail as for another service, and a third party logged in with the password leaked from that service. The webmail had no two-factor authentication."
medium = "The webmail's address book (electronic data)"
leaked_items = "Names, company names, departments, e-mail addresses and telephone numbers in the address book"
measures = """
We changed the account's password and shut the third party out.
We checked the employee's computer for malware and found none.
"""
caused_by = "An outside third party (an unauthorised login to a sales employee's account)"
intent = "Intentional unauthorised access by a third party, made possible by an employee's negligence (a reused password)."
response = "We asked everyone in the address book by e-mail to delete the suspicious message and apologised, and our staff are calling each person to hear what happened. Where wanted, we visit to explain and check the computer."
publication = "We will publish a notice on our website."
secondary_damage = "Opening the link or attachment in the suspicious e-mail may infect a computer with malware. No infection or other secondary damage has been found so far."
prevention = """
We will stop using webmail for work and introduce two-factor authentication for all company e-mail.
All staff will be trained to recognise targeted e-mail.
"""
prevention_organisational = "Only company-managed mail services may be used for work, and their use is reviewed regularly."
prevention_human = "All staff are trained not to reuse passwords and how to deal with targeted e-mail."
prevention_technical = "Two-factor authentication for all company e-mail, and alerts on suspicious logins."
report_to = "The Personal Information Protection Commission; JIPDEC (the Privacy Mark granting body)"
reporter = "Hanako Yamamoto, Personal Information Protection Manager, General Affairs (telephone 03-0000-1200, privacy@sakura-print.example.jp)"

[smtp]
# The demo's capture server on loopback: no TLS, no login.
host = "127.0.0.1"
port = {{.Port}}
tls = "none"
connections = 2
per_minute = 0
timeout = "10s"
poll = "1s"

[classify]
customers = "customers.csv"
suppliers = "suppliers.csv"
free_mail_domains = ["freemail.example.jp", "webmail.example.com"]
employee_owner = "it@sakura-print.example.jp"

[web]
addr = "{{.WebAddr}}"

[log]
level = "warn"
`))

// invokedAs is how to run this owabi again, as the user ran it ("./owabi"
// after the README's build): "owabi" when it runs from go run or a test.
func invokedAs(arg0 string) string {
	if arg0 == "" || strings.Contains(arg0, "go-build") || strings.HasSuffix(arg0, ".test") {
		return "owabi"
	}
	return arg0
}
