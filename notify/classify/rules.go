package classify

import "github.com/owabi/owabi/notify"

// Rules is what classification needs besides the record itself. Order
// matters where noted: the first match wins.
type Rules struct {
	Overrides       map[string]notify.Category // normalised e-mail address → category decided by a person (rule "manual")
	OwnDomains      []string                   // the organisation's own e-mail domains → employee
	FreeMailDomains []string                   // never decide by domain alone
	Masters         []Master                   // in order of precedence, customers usually first
	Labels          map[string]notify.Category // address-book label → category (e.g. 顧客, 仕入先, 社員)
	DefaultOwner    string                     // the member of staff who owns a contact no master list gives an owner
	// EmployeeOwner owns the organisation's own employees (whoever tells
	// staff internally, 情報システム部 say) before DefaultOwner: the
	// salespeople do not call colleagues.
	EmployeeOwner string
}

// DefaultFreeMailDomains lists common Japanese and global free-mail, carrier
// and consumer-ISP domains. Anyone can have an address there, so such a
// domain never decides a category on its own; subdomains count too (ISPs
// such as OCN hand out xx.ocn.ne.jp). Configuration adds local ones.
var DefaultFreeMailDomains = []string{
	// Global web mail.
	"gmail.com", "googlemail.com",
	"outlook.com", "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp", "msn.com",
	"yahoo.com", "yahoo.co.jp", "ymail.ne.jp", "ymail.com",
	"icloud.com", "me.com", "mac.com",
	"aol.com", "proton.me", "protonmail.com", "gmx.com", "zoho.com", "yandex.com",
	"qq.com", "163.com", "naver.com",
	// Japanese mobile carriers.
	"docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp",
	"ymobile.ne.jp", "y-mobile.ne.jp", "emobile.ne.jp", "willcom.com", "pdx.ne.jp",
	"disney.ne.jp", "uqmobile.jp", "rakumail.jp",
	// Japanese consumer ISPs and portals.
	"nifty.com", "biglobe.ne.jp", "so-net.ne.jp", "ocn.ne.jp", "plala.or.jp", "auone-net.jp",
	"dion.ne.jp", "odn.ne.jp", "infoweb.ne.jp", "excite.co.jp", "goo.jp", "mail.goo.ne.jp",
	"infoseek.jp", "livedoor.com", "jcom.home.ne.jp", "zaq.ne.jp", "eonet.ne.jp",
}

// DefaultLabels are the address-book labels that mean a category.
// Others, such as 見込み客 (prospect), decide nothing.
var DefaultLabels = map[string]notify.Category{
	"顧客":  notify.Customer,
	"仕入先": notify.Supplier,
	"社員":  notify.Employee,
}
