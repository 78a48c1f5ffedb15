package store

import (
	"context"
	"sync"
	"sync/atomic"
)

// sentGroup commits the MarkSent calls that come at the same time in one
// transaction: group commit. The first caller leads: it takes every call
// waiting, commits them together and wakes their callers; whoever came
// meanwhile waits for the next commit, led by the first of them. A caller
// returns only once its own record is committed, so the sender's promise
// holds: a notice the server took is recorded before its connection sends
// another.
type sentGroup struct {
	mu      sync.Mutex
	waiting []*sentCall
	leading bool // a commit is being made
	// together counts the records committed with others, as a test
	// reads it.
	together atomic.Int64
}

type sentCall struct {
	id   int64
	err  error
	wake chan bool // true: lead the next commit; false: recorded (err says how)
}

func (g *sentGroup) mark(ctx context.Context, d *DB, id int64) error {
	c := &sentCall{id: id, wake: make(chan bool, 1)}
	g.mu.Lock()
	g.waiting = append(g.waiting, c)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if !lead && !<-c.wake {
		return c.err
	}
	g.mu.Lock()
	calls := g.waiting
	g.waiting = nil
	g.mu.Unlock()
	// Detached from the leader's context: the others' records ride on it,
	// and a record of what a server took is made even at shutdown.
	g.commit(context.WithoutCancel(ctx), d, calls)
	g.mu.Lock()
	if len(g.waiting) > 0 {
		g.waiting[0].wake <- true // still leading: hand it on
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	for _, other := range calls {
		if other != c {
			other.wake <- false
		}
	}
	return c.err
}

// commit records calls in one transaction. Should that fail, it records
// them one by one, so that one notice's trouble is its caller's alone.
func (g *sentGroup) commit(ctx context.Context, d *DB, calls []*sentCall) {
	if len(calls) > 1 {
		ids := make([]int64, len(calls))
		for i, c := range calls {
			ids[i] = c.id
		}
		if d.markSentTogether(ctx, ids) == nil {
			g.together.Add(int64(len(calls)))
			return
		}
	}
	for _, c := range calls {
		c.err = d.markSentAlone(ctx, c.id)
	}
}
