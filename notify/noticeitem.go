package notify

import "strings"

// NoticeItem is one thing the law asks a notice to the affected person to
// tell. APPI: 個人情報保護法施行規則 第10条, which names items 1, 2, 4, 5 and
// 9 of 第8条第1項. GDPR: Art. 34(2), the nature of the breach and the
// points (b) to (d) of Art. 33(3).
type NoticeItem string

const (
	ItemSummary         NoticeItem = "summary"          // 概要
	ItemPersonalData    NoticeItem = "personal_data"    // 個人データの項目
	ItemCause           NoticeItem = "cause"            // 原因
	ItemSecondaryDamage NoticeItem = "secondary_damage" // 二次被害又はそのおそれの有無及びその内容
	ItemContact         NoticeItem = "contact"          // その他参考となる事項（問い合わせ窓口）

	ItemGDPRNature       NoticeItem = "gdpr_nature"       // Art. 34(2)
	ItemGDPRContact      NoticeItem = "gdpr_contact"      // Art. 33(3)(b)
	ItemGDPRConsequences NoticeItem = "gdpr_consequences" // Art. 33(3)(c)
	ItemGDPRMeasures     NoticeItem = "gdpr_measures"     // Art. 33(3)(d)
)

// NoticeItems are the items every notice must tell: APPI's, and GDPR's
// when it applies.
func NoticeItems(gdpr bool) []NoticeItem {
	items := []NoticeItem{ItemSummary, ItemPersonalData, ItemCause, ItemSecondaryDamage, ItemContact}
	if gdpr {
		items = append(items, ItemGDPRNature, ItemGDPRContact, ItemGDPRConsequences, ItemGDPRMeasures)
	}
	return items
}

// Text is what tells the item in a notice: the fields of the incident
// record, or of the contact desk, it is written from. A notice tells the
// item when it tells any of them.
func (it NoticeItem) Text(inc Incident, org Organisation) []string {
	switch it {
	case ItemSummary, ItemGDPRNature:
		return []string{inc.Summary}
	case ItemPersonalData:
		return []string{inc.LeakedItems}
	case ItemCause:
		return []string{inc.Cause}
	case ItemSecondaryDamage, ItemGDPRConsequences:
		return []string{inc.SecondaryDamage}
	case ItemContact, ItemGDPRContact:
		return []string{org.Desk.Phone, org.Desk.Email}
	case ItemGDPRMeasures:
		return []string{inc.Measures}
	}
	return nil
}

// Law is the law that asks for the item: "APPI" or "GDPR".
func (it NoticeItem) Law() string {
	if strings.HasPrefix(string(it), "gdpr_") {
		return "GDPR"
	}
	return "APPI"
}

// TemplateCheck is one notice template held against the items the law
// asks a notice to the affected person to tell.
type TemplateCheck struct {
	Template string // as the composer names it, like "ja/deletion.tmpl"
	File     string // the file in templates.dir it was read from; "" for a built-in one
	// Lacks are the items the notice never tells, whatever the incident
	// record holds: the template must change.
	Lacks []NoticeItem
	// Empty are the items the template tells from fields the incident
	// record (or, for the desk, the organisation) leaves empty now: the
	// notice would not tell them yet.
	Empty []NoticeItem
}
