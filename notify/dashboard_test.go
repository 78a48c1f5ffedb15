package notify

import (
	"reflect"
	"testing"
	"time"
)

func TestWhatThereIsToDo(t *testing.T) {
	// The replayed incident's book: 243 people, every one with an owner
	// and a deletion request sent.
	sent := func(contacts int) Status {
		return Status{Contacts: contacts, Addresses: contacts, Categories: map[Category]int{Customer: contacts},
			Notices: map[NoticeState]int{Sent: contacts}, ByKind: map[NoticeKind]map[NoticeState]int{Deletion: {Sent: contacts}}}
	}
	owned := []StaffProgress{{Owner: "a@x.example", Name: "a", Assigned: 243}}
	reached := func(n int) map[Category]Progress { return map[Category]Progress{Customer: {Reached: n}} }
	for _, tt := range []struct {
		name string
		d    Dashboard
		want []Todo
	}{
		{"nothing imported yet", Dashboard{}, nil},
		{"the notices sent, nobody called yet",
			Dashboard{Status: sent(243), Staff: owned},
			[]Todo{{Task: TaskCall, N: 243}}},
		{"five opened the link: they come first",
			Dashboard{Status: sent(243), Staff: owned, Progress: reached(243), Cases: map[Urgency]int{AtRisk: 5}},
			[]Todo{{Task: TaskAtRisk, N: 5}}},
		// Their cases are decided done once their PCs were checked clean:
		// at risk counts none of them.
		{"the five checked clean: everyone spoken to",
			Dashboard{Status: sent(243), Staff: owned, Progress: reached(243), Cases: map[Urgency]int{AtRisk: 0}},
			[]Todo{{Task: TaskDone, N: 0}}},
		{"those not to be contacted are not to be called",
			Dashboard{Status: sent(243), Staff: owned, Progress: reached(240), Withheld: 3},
			[]Todo{{Task: TaskDone, N: 0}}},
		{"what blocks the sending, in order, then the calls",
			Dashboard{
				Status: Status{Contacts: 10, Addresses: 12, Categories: map[Category]int{Customer: 6, Unclassified: 4},
					Notices: map[NoticeState]int{Sent: 8, Failed: 2}, ByKind: map[NoticeKind]map[NoticeState]int{Deletion: {Sent: 8, Failed: 2}}},
				Staff:    []StaffProgress{{Owner: "a@x.example", Name: "a", Assigned: 7}},
				Progress: map[Category]Progress{Customer: {Reached: 3}},
				Cases:    map[Urgency]int{CallBackDue: 1}, LookAlikes: 1, Unverified: 2,
			},
			[]Todo{{Task: TaskCallBack, N: 1}, {Task: TaskLookAlike, N: 1}, {Task: TaskUnverified, N: 2}, {Task: TaskUnclassified, N: 4}, {Task: TaskUnassigned, N: 3},
				{Task: TaskUnsent, N: 2}, {Task: TaskFailed, N: 2}, {Task: TaskCall, N: 7}}},
		// Owners the master lists name who cannot sign in: nobody calls
		// their contacts.
		{"owners without an account",
			Dashboard{Status: sent(243), Progress: reached(0), Staff: []StaffProgress{{Owner: "a@x.example", Name: "a", Assigned: 100},
				{Owner: "chibat@x.example", BookName: "大塚 浩二", Assigned: 70}, {Owner: "z@x.example", Assigned: 73}}},
			[]Todo{{Task: TaskNoAccount, N: 70, Who: "大塚 浩二（chibat@x.example）"}, {Task: TaskNoAccount, N: 73, Who: "z@x.example"}, {Task: TaskCall, N: 243}}},
		{"after a purge there is nothing to do",
			Dashboard{Status: sent(243), Cases: map[Urgency]int{AtRisk: 5}, PurgedAt: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)},
			nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Todo(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}
