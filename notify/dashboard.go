package notify

import "time"

// Dashboard is where the response stands, all read at one moment (the
// store reads it in one transaction, so that its numbers agree with one
// another): what the web app's dashboard and owabi status show, and from
// it what there is to do next (Todo).
type Dashboard struct {
	Status   Status
	Progress map[Category]Progress
	// Cases counts those at risk and those due a call back, as their
	// cases are decided (Case.Assess).
	Cases map[Urgency]int
	Staff []StaffProgress
	// Reached and Acknowledged count, for each of the last days, the
	// contacts first reached by phone and first acknowledging a notice.
	Reached, Acknowledged []DayCount

	LookAlikes int       // contacts held back: an address may imitate a known domain
	Unverified int       // mails that may be forged, waiting for a person to decide
	Withheld   int       // contacts not to be contacted
	PurgedAt   time.Time // when the personal data was purged; zero while it is kept
}

// Total adds up the progress of every category.
func (d Dashboard) Total() Progress {
	var t Progress
	for _, p := range d.Progress {
		t.Add(p)
	}
	return t
}

// Task is a kind of thing there is to do in the response.
type Task string

const (
	TaskAtRisk       Task = "at_risk"      // they may have an infected PC nobody has checked
	TaskCallBack     Task = "call_back"    // the call back they asked for is due
	TaskLookAlike    Task = "lookalike"    // find out who they are before anything is sent
	TaskUnverified   Task = "unverified"   // mails that may be forged: confirm or dismiss each
	TaskUnclassified Task = "unclassified" // contacts without a category
	TaskUnassigned   Task = "unassigned"   // contacts nobody owns, so nobody calls
	TaskNoAccount    Task = "no_account"   // contacts whose owner cannot sign in, so nobody calls
	TaskUnsent       Task = "unsent"       // addresses without a deletion request
	TaskFailed       Task = "failed"       // notices that did not arrive: phone those people
	TaskCall         Task = "call"         // people nobody has spoken to yet
	TaskDone         Task = "done"         // everyone has been spoken to: on to the report
)

// Tasks are the tasks in the order Todo lists them.
var Tasks = []Task{TaskAtRisk, TaskCallBack, TaskLookAlike, TaskUnverified, TaskUnclassified, TaskUnassigned, TaskNoAccount,
	TaskUnsent, TaskFailed, TaskCall, TaskDone}

// Unassigned is how many contacts nobody owns, so nobody calls.
func (d Dashboard) Unassigned() int {
	n := d.Status.Contacts
	for _, p := range d.Staff {
		n -= p.Assigned
	}
	return max(n, 0)
}

// Todo is a task and how many it concerns, and whom, for a task of one
// member of staff's.
type Todo struct {
	Task Task
	N    int
	Who  string
}

// Todo lists what there is to do now, the most urgent first: people at
// risk before call-backs due, those before what blocks the sending, and
// the calls still to make last. Someone whose PC was checked clean or
// cleaned is not at risk (Case.Assess decides), and nobody not to be
// contacted is to be called. After a purge there is nothing to do.
func (d Dashboard) Todo() []Todo {
	if !d.PurgedAt.IsZero() {
		return nil
	}
	unassigned := d.Unassigned()
	var out []Todo
	for _, t := range []Todo{
		{Task: TaskAtRisk, N: d.Cases[AtRisk]},
		{Task: TaskCallBack, N: d.Cases[CallBackDue]},
		{Task: TaskLookAlike, N: d.LookAlikes},
		{Task: TaskUnverified, N: d.Unverified},
		{Task: TaskUnclassified, N: d.Status.Categories[Unclassified]},
		{Task: TaskUnassigned, N: unassigned},
	} {
		if t.N > 0 {
			out = append(out, t)
		}
	}
	// Owners the master lists or a manager named who have no account:
	// nobody can call their contacts.
	for _, p := range d.Staff {
		if p.Name == "" && p.Assigned > 0 {
			who := p.Owner
			if person := p.Person(); person != "" {
				who = person + "（" + p.Owner + "）"
			}
			out = append(out, Todo{Task: TaskNoAccount, N: p.Assigned, Who: who})
		}
	}
	for _, t := range []Todo{
		{Task: TaskUnsent, N: d.Status.WithoutNotice(Deletion)},
		{Task: TaskFailed, N: d.Status.Notices[Failed]},
		{Task: TaskCall, N: d.Status.Contacts - d.Total().Reached - d.Withheld},
	} {
		if t.N > 0 {
			out = append(out, t)
		}
	}
	if len(out) == 0 && d.Status.Contacts > 0 {
		out = append(out, Todo{Task: TaskDone})
	}
	return out
}
