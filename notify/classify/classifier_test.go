package classify_test

import (
	"fmt"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/classify"
	"github.com/owabi/owabi/notify/wording"
)

// testRules are a few masters from the demo data, including the hand-kept
// free-mail domain of C0004.
func testRules() classify.Rules {
	return classify.Rules{
		Overrides:       map[string]notify.Category{"Special@Kikyo-Foods.example": notify.Supplier},
		OwnDomains:      []string{"sakura-print.example.jp"},
		FreeMailDomains: append(append([]string{}, classify.DefaultFreeMailDomains...), "freemail.example.jp", "webmail.example.com"),
		Labels:          classify.DefaultLabels,
		Masters: []classify.Master{
			{Code: "C0004", Company: "有限会社ひばり茶舗", Domain: "freemail.example.jp", OwnerEmail: "matsui@sakura-print.example.jp", Category: notify.Customer},
			{Code: "C0005", Company: "雲雀堂書店", Category: notify.Customer},
			{Code: "C0061", Company: "桔梗フーズ株式会社", Domain: "Kikyo-Foods.example", OwnerEmail: "k@sakura-print.example.jp", Category: notify.Customer},
			{Code: "S0001", Company: "Asagiri Paper Co., Ltd.", Domain: "asagiri-paper.example.net", OwnerEmail: "n-fujii@sakura-print.example.jp", Category: notify.Supplier},
			{Code: "S0099", Company: "桔梗フーズ株式会社", Domain: "kikyo-foods.example", Category: notify.Supplier}, // loses to C0061
		},
	}
}

func TestClassify(t *testing.T) {
	c := classify.New(testRules())
	const kikyo = "domain kikyo-foods.example (C0061 桔梗フーズ株式会社)"
	const imitatesOwn = `the domain "sakura-prіnt.example.jp" (xn--sakura-prnt-7vj.example.jp) may imitate sakura-print.example.jp, the organisation's own domain`
	tests := []struct {
		name    string
		emails  []string
		company string
		labels  []string
		want    decision
	}{
		// manual
		{"override", []string{"special@kikyo-foods.example"}, "", nil,
			decision{Category: notify.Supplier, Rule: notify.RuleManual, Detail: "special@kikyo-foods.example", OwnerEmail: ""}},
		{"override beats own domain", []string{"n@sakura-print.example.jp", "SPECIAL@kikyo-foods.example"}, "", nil,
			decision{Category: notify.Supplier, Rule: notify.RuleManual, Detail: "SPECIAL@kikyo-foods.example", OwnerEmail: ""}},

		// own domain
		{"own domain", []string{"n-fujii@sakura-print.example.jp"}, "さくら印刷株式会社", []string{"顧客"},
			decision{Category: notify.Employee, Rule: notify.RuleOwnDomain, Detail: "sakura-print.example.jp", OwnerEmail: ""}},
		{"own subdomain", []string{"x@mail.sakura-print.example.jp"}, "", nil,
			decision{Category: notify.Employee, Rule: notify.RuleOwnDomain, Detail: "mail.sakura-print.example.jp under sakura-print.example.jp", OwnerEmail: ""}},
		{"own domain in second address beats master domain", []string{"a@kikyo-foods.example", "a@sakura-print.example.jp"}, "", nil,
			decision{Category: notify.Employee, Rule: notify.RuleOwnDomain, Detail: "sakura-print.example.jp", OwnerEmail: ""}},

		// master domain
		{"master domain", []string{"aoi@kikyo-foods.example"}, "", nil,
			decision{Category: notify.Customer, Rule: notify.RuleMasterDomain, Detail: kikyo, OwnerEmail: "k@sakura-print.example.jp"}},
		{"master domain in capitals", []string{"Aoi@KIKYO-FOODS.EXAMPLE"}, "", nil,
			decision{Category: notify.Customer, Rule: notify.RuleMasterDomain, Detail: kikyo, OwnerEmail: "k@sakura-print.example.jp"}},
		{"master subdomain", []string{"aoi@tokyo.kikyo-foods.example"}, "", nil,
			decision{Category: notify.Customer, Rule: notify.RuleMasterDomain, Detail: "domain tokyo.kikyo-foods.example under kikyo-foods.example (C0061 桔梗フーズ株式会社)", OwnerEmail: "k@sakura-print.example.jp"}},
		{"master domain beats company", []string{"aoi@kikyo-foods.example"}, "Asagiri Paper", []string{"仕入先"},
			decision{Category: notify.Customer, Rule: notify.RuleMasterDomain, Detail: kikyo, OwnerEmail: "k@sakura-print.example.jp"}},
		{"free-mail first, master domain second", []string{"x@webmail.example.com", "y@asagiri-paper.example.net"}, "", nil,
			decision{Category: notify.Supplier, Rule: notify.RuleMasterDomain, Detail: "domain asagiri-paper.example.net (S0001 Asagiri Paper Co., Ltd.)", OwnerEmail: "n-fujii@sakura-print.example.jp"}},
		{"look-alike domain", []string{"x@kikyo-foods.example.evil.jp", "y@notkikyo-foods.example"}, "", nil,
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "", OwnerEmail: ""}},

		// the free-mail master trap
		{"free-mail master by company name", []string{"ota@freemail.example.jp"}, "ひばり茶舗", nil,
			decision{Category: notify.Customer, Rule: notify.RuleMasterCompany, Detail: `company "ひばり茶舗" (C0004 有限会社ひばり茶舗)`, OwnerEmail: "matsui@sakura-print.example.jp"}},
		{"free-mail master domain alone decides nothing", []string{"ota@freemail.example.jp"}, "別の商店", nil,
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "", OwnerEmail: ""}},
		{"free-mail subdomain decides nothing", []string{"ota@sub.freemail.example.jp"}, "", nil,
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "", OwnerEmail: ""}},
		{"free-mail with a label", []string{"ota@freemail.example.jp"}, "", []string{"* myContacts", "顧客"},
			decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: "顧客", OwnerEmail: ""}},

		// master company name
		{"company variant", []string{"s@gmail.com"}, "ASAGIRI PAPER CO.,LTD", nil,
			decision{Category: notify.Supplier, Rule: notify.RuleMasterCompany, Detail: `company "ASAGIRI PAPER CO.,LTD" (S0001 Asagiri Paper Co., Ltd.)`, OwnerEmail: "n-fujii@sakura-print.example.jp"}},
		{"master without a domain", []string{"t@webmail.example.com"}, "雲雀堂　書店", nil,
			decision{Category: notify.Customer, Rule: notify.RuleMasterCompany, Detail: `company "雲雀堂　書店" (C0005 雲雀堂書店)`, OwnerEmail: ""}},
		{"shared company key: first master wins", []string{"t@webmail.example.com"}, "桔梗フーズ", nil,
			decision{Category: notify.Customer, Rule: notify.RuleMasterCompany, Detail: `company "桔梗フーズ" (C0061 桔梗フーズ株式会社)`, OwnerEmail: "k@sakura-print.example.jp"}},
		{"company of forms only", []string{"t@webmail.example.com"}, "株式会社", nil,
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "", OwnerEmail: ""}},
		{"company beats label", []string{"t@webmail.example.com"}, "ひばり茶舗", []string{"仕入先"},
			decision{Category: notify.Customer, Rule: notify.RuleMasterCompany, Detail: `company "ひばり茶舗" (C0004 有限会社ひばり茶舗)`, OwnerEmail: "matsui@sakura-print.example.jp"}},

		// label
		{"label supplier", []string{"t@webmail.example.com"}, "", []string{"仕入先", "* myContacts"},
			decision{Category: notify.Supplier, Rule: notify.RuleLabel, Detail: "仕入先", OwnerEmail: ""}},
		{"label employee after others", []string{"t@webmail.example.com"}, "", []string{"* starred", "展示会2024", "社員"},
			decision{Category: notify.Employee, Rule: notify.RuleLabel, Detail: "社員", OwnerEmail: ""}},
		{"label with a full-width space", []string{"t@webmail.example.com"}, "", []string{"\u3000顧客"},
			decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: "\u3000顧客", OwnerEmail: ""}},
		{"same label twice", []string{"t@webmail.example.com"}, "", []string{"顧客", "顧客"},
			decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: "顧客", OwnerEmail: ""}},
		{"labels disagree", []string{"t@webmail.example.com"}, "", []string{"顧客", "年賀状", "社員"},
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "labels disagree: 顧客 and 社員", OwnerEmail: ""}},
		{"prospect is no customer", []string{"t@webmail.example.com"}, "", []string{"見込み客", "* myContacts"},
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "", OwnerEmail: ""}},

		// a look-alike of a known domain: whatever its label, company or
		// other addresses say, nothing but an override decides
		{"look-alike of the own domain labelled 社員", []string{"taro@xn--sakura-prnt-7vj.example.jp"}, "", []string{"社員", "* myContacts"},
			decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: imitatesOwn}},
		{"look-alike of a master domain with the master's company name", []string{"aoi@kikyo-f0ods.example"}, "桔梗フーズ株式会社", []string{"顧客"},
			decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: `the domain "kikyo-f0ods.example" may imitate kikyo-foods.example, the domain of C0061 桔梗フーズ株式会社`}},
		{"look-alike beside a genuine own address", []string{"taro@sakura-print.example.jp", "taro@xn--sakura-prnt-7vj.example.jp"}, "", nil,
			decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: imitatesOwn}},
		{"override beats look-alike", []string{"taro@xn--sakura-prnt-7vj.example.jp", "special@kikyo-foods.example"}, "", []string{"社員"},
			decision{Category: notify.Supplier, Rule: notify.RuleManual, Detail: "special@kikyo-foods.example"}},
		{"an IDN that imitates nothing known", []string{"info@xn--r8jz45g.jp"}, "", []string{"社員"},
			decision{Category: notify.Employee, Rule: notify.RuleLabel, Detail: "社員"}},

		// none
		{"nothing", nil, "", nil,
			decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: "", OwnerEmail: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Classify(notify.Record{Emails: tt.emails, Company: tt.company, Labels: tt.labels})
			if got := (decision{d.Category, d.Rule, wording.English(d.Detail), d.OwnerEmail}); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// decision is a notify.Decision with its detail in English.
type decision struct {
	Category   notify.Category
	Rule       notify.Rule
	Detail     string
	OwnerEmail string
}

func TestNewCopiesRules(t *testing.T) {
	r := testRules()
	c := classify.New(r)
	r.Masters[2].Category = notify.Employee
	r.Labels = nil
	r.OwnDomains[0] = "kikyo-foods.example"
	got := c.Classify(notify.Record{Emails: []string{"aoi@kikyo-foods.example"}})
	if got.Category != notify.Customer || got.Rule != notify.RuleMasterDomain {
		t.Errorf("got %+v after changing the Rules given to New, want customer by master_domain", got)
	}
}

// BenchmarkClassify100k classifies 100,000 generated records: a mix of
// master domains, free mail with company-name variants, labels and misses.
func BenchmarkClassify100k(b *testing.B) {
	var masters []classify.Master
	for i := range 5000 {
		masters = append(masters, classify.Master{
			Code:     fmt.Sprintf("C%05d", i),
			Company:  fmt.Sprintf("株式会社テスト商事%d", i),
			Domain:   fmt.Sprintf("test-%d.example.jp", i),
			Category: notify.Customer,
		})
	}
	r := testRules()
	r.Masters = append(r.Masters, masters...)
	c := classify.New(r)
	recs := make([]notify.Record, 100_000)
	for i := range recs {
		rec := notify.Record{Labels: []string{"* myContacts"}}
		switch i % 4 {
		case 0:
			rec.Emails = []string{fmt.Sprintf("p%d@test-%d.example.jp", i, i%5000)}
		case 1:
			rec.Emails = []string{fmt.Sprintf("p%d@webmail.example.com", i)}
			rec.Company = fmt.Sprintf("テスト商事%d　(株)", i%5000)
		case 2:
			rec.Emails = []string{fmt.Sprintf("p%d@freemail.example.jp", i), fmt.Sprintf("p%d@sakura-print.example.jp", i)}
		case 3:
			rec.Emails = []string{fmt.Sprintf("p%d@gmail.com", i)}
			rec.Company = "どこかの会社"
			rec.Labels = append(rec.Labels, "年賀状", "顧客")
		}
		recs[i] = rec
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, rec := range recs {
			if c.Classify(rec).Category == notify.Unclassified {
				b.Fatalf("unclassified: %+v", rec)
			}
		}
	}
}

// A contact that no master list gives an owner goes to the default
// owner; one that a master list gives an owner keeps that owner.
func TestTheDefaultOwnerTakesWhomNoMasterListGivesAnOwner(t *testing.T) {
	r := testRules()
	r.DefaultOwner = "eigyo@sakura-print.example.jp"
	c := classify.New(r)
	for _, tt := range []struct {
		email, want string
	}{
		{"aoi@kikyo-foods.example", "k@sakura-print.example.jp"},          // C0061 names its owner
		{"someone@unknown.example", "eigyo@sakura-print.example.jp"},      // nobody's
		{"taro@sakura-print.example.jp", "eigyo@sakura-print.example.jp"}, // an employee too
	} {
		if got := c.Classify(notify.Record{Emails: []string{tt.email}}); got.OwnerEmail != tt.want {
			t.Errorf("%s: owner %q, want %q", tt.email, got.OwnerEmail, tt.want)
		}
	}
}

// The organisation's own employees go to whoever tells staff internally,
// not to the default owner: salespeople do not call their colleagues.
func TestEmployeesGoToTheirOwnOwner(t *testing.T) {
	r := testRules()
	r.DefaultOwner, r.EmployeeOwner = "eigyo@sakura-print.example.jp", "it@sakura-print.example.jp"
	c := classify.New(r)
	for _, tt := range []struct{ email, want string }{
		{"hanako@sakura-print.example.jp", "it@sakura-print.example.jp"},
		{"someone@unknown.example", "eigyo@sakura-print.example.jp"},
		{"aoi@kikyo-foods.example", "k@sakura-print.example.jp"},
	} {
		if got := c.Classify(notify.Record{Emails: []string{tt.email}}).OwnerEmail; got != tt.want {
			t.Errorf("%s: owner %q, want %q", tt.email, got, tt.want)
		}
	}
}
