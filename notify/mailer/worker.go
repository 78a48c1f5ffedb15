package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// Worker sends the outbox: each of its connections claims up to 64 due notices,
// sends them one by one and records each result at once, so that a notice
// the server accepted is marked sent before the next one goes out.
type Worker struct {
	Outbox   notify.Outbox
	Composer *Composer
	// Dial opens a session with the mail server (see Dial).
	Dial        func(ctx context.Context) (*Session, error)
	Connections int // SMTP connections used at once (at least 1)
	// Pace is how fast it may send over all connections: messages per
	// minute, and per day as the mail server caps them.
	Pace        notify.Pace
	MaxAttempts int // attempts before a temporary failure becomes final
	RetryBase   time.Duration
	RetryMax    time.Duration
	Poll        time.Duration // how often Run looks for notices queued by others
	Now         func() time.Time
	Log         *slog.Logger
	// AckLink, when set, gives each notice its personal confirmation link
	// as it goes out (a new one on each attempt).
	AckLink func(ctx context.Context, d notify.Delivery) (string, error)
	// Incident, when set, is read again before each batch is claimed, so
	// that the notices tell the incident record's latest version, however
	// it changed (a manager on the web, or a config change another
	// command saw).
	Incident func(ctx context.Context) (notify.Incident, error)

	pace   pacer
	daily  dailyCap
	counts struct{ sent, retried, failed atomic.Int64 }
	// stranded are claims that could not be given back (the database
	// would take no write): given back before the next claims.
	stranded struct {
		sync.Mutex
		ids []int64
	}
}

// ErrServer is the error code for a mail server that cannot be used at all.
const ErrServer = "mail_server"

// batch is how many notices one connection claims at a time. Claimed
// notices it has not yet attempted are requeued untouched after a kill, so
// the size costs nothing in safety; it spreads the cost of a claim.
const batch = 64

// Run sends due notices until ctx is cancelled, then stops after the message
// in hand and returns the rest of its claims to the queue. When the mail
// server cannot be used or the database is locked by another program, it
// logs why and tries again later, waiting longer each time. At the daily
// cap it waits for the next slot.
func (w *Worker) Run(ctx context.Context) error {
	down := 0
	var capped DailyCapReached
	for {
		wait := w.Poll
		if err := w.Drain(ctx); errors.As(err, &capped) {
			down = 0
			wait = max(capped.Until.Sub(w.Now()), 0)
			w.Log.Info("the daily cap is reached; the rest wait in the queue", "per_day", w.Pace.PerDay, "next_send", capped.Until)
		} else if err != nil {
			if !passing(err) {
				return err
			}
			down++
			wait = min(w.Poll<<min(down, 8), 5*time.Minute)
			w.Log.Error("cannot send now; notices stay queued", "error", err, "retry_in", wait)
		} else {
			down = 0
			if next, ok, err := w.Outbox.NextDue(ctx); err == nil && ok {
				wait = min(wait, max(next.Sub(w.Now()), 0))
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Drain sends every notice that is due now and returns when none is left
// (or ctx is cancelled), or DailyCapReached when the daily cap stops it.
// Errors of single messages are recorded, not returned. What stops it all
// (the mail server, notices that cannot be written) is recorded too, for
// owabi status and the dashboard, until a round goes through.
func (w *Worker) Drain(ctx context.Context) error {
	err := w.drain(ctx)
	var capped DailyCapReached
	switch record := context.WithoutCancel(ctx); {
	case notify.ErrorCode(err) == ErrServer:
		err = errors.Join(err, w.Outbox.StopSending(record, notify.ErrorSaid(err)))
	case (err == nil || errors.As(err, &capped)) && ctx.Err() == nil: // a round that went through, not one cut short
		if rerr := w.Outbox.SendingResumed(record); rerr != nil {
			// What was sent is recorded; the notice on the dashboard
			// waits for the next round.
			w.Log.Warn("cannot record that sending runs again", "error", rerr)
		}
	}
	return err
}

func (w *Worker) drain(ctx context.Context) error {
	if err := w.giveBackStranded(ctx); err != nil {
		return err
	}
	w.pace.setRate(w.Pace.PerMinute)
	if w.Pace.PerDay > 0 {
		sent, err := w.Outbox.SentSince(ctx, w.Now().Add(-notify.Day))
		if err != nil {
			return err
		}
		w.daily.load(w.Pace, sent)
	}
	n := max(w.Connections, 1)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- w.connection(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	var capped error // only when nothing worse stopped a connection
	for err := range errs {
		switch {
		case errors.As(err, new(DailyCapReached)):
			capped = err
		case err != nil:
			return err
		}
	}
	return capped
}

// Counts returns what the worker has done so far.
func (w *Worker) Counts() (sent, retried, failed int64) {
	return w.counts.sent.Load(), w.counts.retried.Load(), w.counts.failed.Load()
}

// connection is one SMTP connection's loop. Each result is recorded the
// moment the server answers, before the next message goes out. (Recording in
// a goroutine of its own, overlapping the next send, measured slower on two
// cores: the cgo calls compete with the SMTP exchange.)
func (w *Worker) connection(ctx context.Context) error {
	var client *Session
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
	// Results are recorded even after ctx is cancelled: a message the server
	// accepted must be marked sent.
	record := context.WithoutCancel(ctx)
	for ctx.Err() == nil {
		if w.Incident != nil {
			inc, err := w.Incident(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			w.Composer.SetIncident(inc)
		}
		if until, open := w.daily.open(w.Now()); !open {
			return DailyCapReached{Until: until}
		}
		claimed, err := w.Outbox.Claim(ctx, batch)
		if err != nil || len(claimed) == 0 {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for i, d := range claimed {
			if client == nil {
				// A server that cannot be reached or refuses us (a wrong
				// password, say) is no fault of this notice: give the claims
				// back untouched and let the caller report it.
				if client, err = w.dial(ctx); err != nil {
					return errors.Join(err, w.release(record, claimed[i:]))
				}
			}
			err := w.send(ctx, client, d)
			var setup errSetup
			switch {
			case errors.Is(err, errStopped):
				return w.release(record, claimed[i:])
			case errors.As(err, new(DailyCapReached)):
				return errors.Join(err, w.release(record, claimed[i:]))
			case errors.As(err, new(ErrDial)), errors.As(err, new(ErrToken)):
				// The connection broke and could not be opened again.
				client = nil
				return errors.Join(dialFailure(err), w.release(record, claimed[i:]))
			case errors.Is(err, errNotAsked):
				// The database could not give the notice its link: the
				// server was not asked, so nothing is counted against it.
				return errors.Join(err, w.release(record, claimed[i:]))
			case errors.As(err, &setup):
				// No notice can be written (the sender's address, the
				// signing key): failing them one by one would lose the queue.
				return errors.Join(wording.Fail(ErrServer, notify.Say("sending.cannot_write", setup.err.Error())),
					w.release(record, claimed[i:]))
			}
			var reply notify.ServerReply
			if err != nil {
				reply = replyOf(err)
				if !reply.Permanent() {
					// The connection may be broken: start afresh for the next one.
					client.Close()
					client = nil
				}
			}
			if stop := stopsSending(reply); stop != nil {
				// The server will send nothing for us (our sender, our login,
				// relaying, a sending limit), or nothing for now, whoever it
				// is for: failing every notice for it, or counting an
				// attempt against each, would lose the whole queue. Give
				// this one back untouched too.
				return errors.Join(stop, w.release(record, claimed[i:]))
			}
			if err := w.recordResult(ctx, d, err, reply); err != nil {
				// The database failed: this notice stays "sending" (the
				// server may have taken it) and is requeued at the next
				// start; the claims not attempted go back now.
				return errors.Join(err, w.release(record, claimed[i+1:]))
			}
		}
	}
	return nil
}

func (w *Worker) dial(ctx context.Context) (*Session, error) {
	c, err := w.Dial(ctx)
	if err != nil {
		return nil, dialFailure(err)
	}
	return c, nil
}

// dialFailure says why a session could not be opened.
func dialFailure(err error) error {
	var noToken ErrToken
	var unreached ErrDial
	switch {
	case errors.As(err, &noToken):
		return wording.Fail(ErrServer, notify.Say("sending.no_token", bounded(noToken.Err.Error())))
	case errors.As(err, &unreached):
		return wording.Fail(ErrServer, notify.Say("sending.cannot_connect", err.Error()))
	}
	return err
}

func (w *Worker) send(ctx context.Context, c *Session, d notify.Delivery) error {
	if w.AckLink != nil {
		link, err := w.AckLink(ctx, d)
		if err != nil {
			return fmt.Errorf("%w: %w", errNotAsked, err)
		}
		d.AckLink = link
	}
	msg, err := w.Composer.Compose(d, w.Now())
	var one errComposing
	if err != nil && !errors.As(err, &one) {
		return errSetup{err}
	}
	if err != nil {
		return err
	}
	// Paced here, when the message is written, just before it goes: the
	// pace and the daily cap are kept where the relay counts them. (At the
	// cap, the notice just written waits for the next round.)
	if err := w.pace.wait(ctx); err != nil {
		return errStopped
	}
	slot, open := w.daily.take(w.Now())
	if !open {
		return DailyCapReached{Until: slot}
	}
	if err := c.Send(ctx, msg); err != nil {
		w.daily.giveBack(slot) // the server did not take it
		return err
	}
	return nil
}

// errStopped is a notice not sent because the sender was told to stop.
var errStopped = errors.New("the sender was told to stop")

// errNotAsked is an attempt that stopped before the server was asked.
var errNotAsked = errors.New("the notice was not sent")

// errSetup is a notice that cannot be written for want of something every
// notice needs (the sender's address, the signing key).
type errSetup struct{ err error }

func (e errSetup) Error() string { return e.err.Error() }

// passing reports an error that goes away by itself: the mail server or the
// database being unavailable for a while, or the disk full until someone
// frees space.
func passing(err error) bool {
	switch notify.ErrorCode(err) {
	case ErrServer, notify.EUNAVAILABLE, notify.ENOSPACE:
		return true
	}
	return false
}

// recordResult stores the outcome of one attempt. Giving up on a message
// the server has accepted would send it again after the next start, so
// while another program holds the database it keeps trying for up to
// recordPatience, and while the disk is full, until space is freed: this
// connection sends nothing more meanwhile, and the others cannot claim.
// Told to stop (ctx) on a full disk, it tries for shutdownPatience more,
// then says which notice will go out again.
func (w *Worker) recordResult(ctx context.Context, d notify.Delivery, sendErr error, reply notify.ServerReply) error {
	record := context.WithoutCancel(ctx) // an answer is recorded even at shutdown
	busySince, stopBy := time.Time{}, time.Time{}
	pause, told := recordPause, time.Time{}
	for {
		err := w.record(record, d, sendErr, reply)
		switch notify.ErrorCode(err) {
		case notify.EUNAVAILABLE:
			if busySince.IsZero() {
				busySince = time.Now()
			}
			if time.Since(busySince) > recordPatience {
				return err
			}
			w.Log.Warn("the database is locked; trying again to record a notice", "notice", d.ID)
		case notify.ENOSPACE:
			busySince = time.Time{}
			if ctx.Err() != nil && stopBy.IsZero() {
				stopBy = time.Now().Add(shutdownPatience)
			}
			if !stopBy.IsZero() && time.Now().After(stopBy) {
				w.Log.Error("stopping on a full disk: what the server answered to this notice could not be recorded, so it goes out again (with the same Message-ID) after the next start",
					"notice", d.ID)
				return err
			}
			if time.Since(told) > time.Minute {
				w.Log.Error("the disk is full: sending has stopped, and the answer to a notice waits to be recorded; free some space and owabi carries on by itself",
					"notice", d.ID)
				told = time.Now()
			}
			pause = min(pause*2, 5*time.Second)
		default:
			if !told.IsZero() {
				w.Log.Info("space is back: the notice is recorded and sending resumes", "notice", d.ID)
			}
			return err
		}
		time.Sleep(pause) // not ended by ctx: the answer in hand is recorded first
	}
}

// shutdownPatience is how long a stopping sender still tries to record an
// answer on a full disk.
const shutdownPatience = 30 * time.Second

const (
	recordPatience = 10 * time.Minute
	recordPause    = 200 * time.Millisecond
)

// record stores what one attempt came to. Only here is an attempt
// counted: a claim that a crash or a stop cut short costs the notice
// nothing, so a daemon restarted again and again cannot use up its tries.
func (w *Worker) record(ctx context.Context, d notify.Delivery, sendErr error, reply notify.ServerReply) error {
	if sendErr == nil {
		return count(&w.counts.sent, w.Outbox.MarkSent(ctx, d.ID))
	}
	attempt := d.Attempts + 1
	switch {
	case reply.AddressDead():
		w.Log.Warn("the address was refused for good; it takes no more notices", "notice", d.ID, "reply", reply.String())
		return count(&w.counts.failed, w.Outbox.Undeliverable(ctx, d.ID, reply))
	case reply.Permanent() || reply.Stage == notify.StageWrite || attempt >= w.MaxAttempts:
		w.Log.Warn("notice failed", "notice", d.ID, "attempts", attempt, "reply", reply.String())
		return count(&w.counts.failed, w.Outbox.Fail(ctx, d.ID, reply))
	default:
		next := w.Now().Add(w.backoff(attempt))
		w.Log.Info("notice will be retried", "notice", d.ID, "attempts", attempt, "reply", reply.String(), "next_try", next)
		return count(&w.counts.retried, w.Outbox.Retry(ctx, d.ID, next, reply))
	}
}

// count adds one to n when err is nil, and passes err on.
func count(n *atomic.Int64, err error) error {
	if err == nil {
		n.Add(1)
	}
	return err
}

// backoff doubles with each attempt, up to RetryMax, with jitter so that
// many failed notices do not all come back at the same moment.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.RetryBase << min(max(attempts-1, 0), 20)
	if d > w.RetryMax || d <= 0 {
		d = w.RetryMax
	}
	return d/2 + rand.N(d/2+1)
}

// release gives claims not attempted back to the queue. Claims it cannot
// give back now are kept, to be given back before the next claims: left
// "sending", they would wait for the next start.
func (w *Worker) release(ctx context.Context, rest []notify.Delivery) error {
	ids := make([]int64, len(rest))
	for i, d := range rest {
		ids[i] = d.ID
	}
	err := w.Outbox.Release(ctx, ids)
	if err != nil {
		w.stranded.Lock()
		w.stranded.ids = append(w.stranded.ids, ids...)
		w.stranded.Unlock()
	}
	return err
}

// giveBackStranded gives back the claims release could not.
func (w *Worker) giveBackStranded(ctx context.Context) error {
	w.stranded.Lock()
	defer w.stranded.Unlock()
	if len(w.stranded.ids) == 0 {
		return nil
	}
	if err := w.Outbox.Release(ctx, w.stranded.ids); err != nil {
		return err
	}
	w.stranded.ids = nil
	return nil
}

// DailyCapReached is a round stopped by the daily cap (smtp.per_day): the
// rest wait in the queue, untouched, for Until.
type DailyCapReached struct{ Until time.Time }

func (e DailyCapReached) Error() string {
	return "the daily cap is reached: the next notice can go out at " + e.Until.Format(time.RFC3339)
}

// dailyCap keeps the day's sends, to stay under the daily cap over every
// connection: a slot is taken before a message goes out, and given back
// when the server did not take it.
type dailyCap struct {
	mu   sync.Mutex
	pace notify.Pace
	sent []time.Time // in time order
}

func (c *dailyCap) load(pace notify.Pace, sent []time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pace, c.sent = pace, slices.SortedFunc(slices.Values(sent), time.Time.Compare)
}

// open says whether a message may go out now, and if not, when.
func (c *dailyCap) open(now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := c.pace.NextSlot(now, c.sent)
	return next, !next.After(now)
}

// take takes a slot for a message going out now, if the cap has one.
func (c *dailyCap) take(now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if next := c.pace.NextSlot(now, c.sent); next.After(now) {
		return next, false
	}
	if c.pace.PerDay > 0 {
		i, _ := slices.BinarySearchFunc(c.sent, now, time.Time.Compare)
		c.sent = slices.Insert(c.sent, i, now)
	}
	return now, true
}

// giveBack returns the slot taken at t.
func (c *dailyCap) giveBack(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.IndexFunc(c.sent, t.Equal); i >= 0 {
		c.sent = slices.Delete(c.sent, i, i+1)
	}
}

// pacer spaces messages evenly to keep under a rate. Senders take turns
// in the order they came, and each goes one interval after the one before
// it actually went: a sender late for its turn (a timer firing late)
// pushes the next ones back rather than going out close to them.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time // the turn the next sender to come is given
	last     time.Time // when the last sender went
}

func (p *pacer) setRate(perMinute int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.interval = 0
	if perMinute > 0 {
		p.interval = time.Minute / time.Duration(perMinute)
	}
}

// wait blocks until the caller may send the next message.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	if p.interval == 0 {
		p.mu.Unlock()
		return ctx.Err()
	}
	turn := time.Now()
	if p.next.After(turn) {
		turn = p.next
	}
	p.next = turn.Add(p.interval)
	p.mu.Unlock()
	for {
		t := time.NewTimer(time.Until(turn))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		p.mu.Lock()
		now := time.Now()
		if earliest := p.last.Add(p.interval); now.Before(earliest) {
			turn = earliest // the one before went late
			p.mu.Unlock()
			continue
		}
		p.last = now
		p.mu.Unlock()
		return nil
	}
}
