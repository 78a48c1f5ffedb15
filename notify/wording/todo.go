package wording

import (
	"github.com/owabi/owabi/notify"
)

// Todo says in lang what there is to do and for how many.
func Todo(lang string, t notify.Todo) string {
	if t.Task == notify.TaskDone {
		return Say(lang, "todo."+string(t.Task))
	}
	if t.Who != "" {
		return Say(lang, "todo."+string(t.Task), t.N, t.Who)
	}
	return Say(lang, "todo."+string(t.Task), t.N)
}
