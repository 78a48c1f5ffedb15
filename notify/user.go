package notify

import "time"

// Role is what a member of staff may do in the web app.
type Role string

const (
	// Manager is the personal-information protection officer: sees every
	// contact and the progress, reassigns, reclassifies, imports, exports.
	Manager Role = "manager"
	// Sales is a member of the sales staff: calls their own contacts and
	// logs what they heard.
	Sales Role = "sales"
)

// Roles lists every role.
var Roles = []Role{Manager, Sales}

// User is a staff account of the web app.
type User struct {
	ID   int64
	Name string // what they log in with
	// DisplayName is who they are, as colleagues know them (大塚 浩二);
	// empty, the book's name for their address stands for it.
	DisplayName string
	Email       string // their address in the book: the contacts whose owner this is are theirs
	Role        Role
	Disabled    bool
	Lang        string // "ja" or "en" as they chose, "" to follow their browser
	// AllContacts lets a salesperson see and call every contact, as a
	// manager granted; otherwise they see their own.
	AllContacts bool
}

// Session is a signed-in user's visit, found by the token in their cookie.
type Session struct {
	User    User
	CSRF    string    // the token every form of this session must send back
	Expires time.Time // its fixed end
	Seen    time.Time // when it was last used, for ending it when idle
}
