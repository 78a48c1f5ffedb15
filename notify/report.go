package notify

// Rejection is an address-book entry that was not imported, and why.
type Rejection struct {
	Number int    `json:"record"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// ImportReport says what one import did with every entry of a file.
type ImportReport struct {
	File           string      `json:"file"`
	Format         string      `json:"format"`
	Encoding       string      `json:"encoding"`
	DryRun         bool        `json:"dry_run,omitempty"` // nothing was written
	Records        int         `json:"records"`           // entries read, rejected ones included
	Added          int         `json:"added"`
	Updated        int         `json:"updated"`
	Unchanged      int         `json:"unchanged"`
	Merged         int         `json:"merged"` // entries folded into a contact seen earlier in the same run
	AddressesAdded int         `json:"addresses_added"`
	Rejected       []Rejection `json:"rejected"`
}

// ClassifyReport counts what a classification run decided.
type ClassifyReport struct {
	Categories map[Category]int `json:"categories"`
	Rules      map[Rule]int     `json:"rules"`
	Changed    int              `json:"changed"`
}

// Status is where the response stands.
type Status struct {
	Contacts            int                                `json:"contacts"`
	Addresses           int                                `json:"addresses"`
	Categories          map[Category]int                   `json:"categories"`
	AddressesByCategory map[Category]int                   `json:"addresses_by_category"`
	Notices             map[NoticeState]int                `json:"notices"`
	ByCategory          map[Category]map[NoticeState]int   `json:"notices_by_category"`
	ByKind              map[NoticeKind]map[NoticeState]int `json:"notices_by_kind"`
}
