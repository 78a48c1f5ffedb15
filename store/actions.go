package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// AddAction records a step of the response taken outside owabi, or a
// report filed with a regulator, as the actor of ctx tells it
// (notify.Action.Check, and when it was done within the incident). It
// returns the action's id.
func (d *DB) AddAction(ctx context.Context, a notify.Action) (int64, error) {
	if err := d.checkAction(ctx, a); err != nil {
		return 0, err
	}
	var id int64
	err := d.inTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO actions (kind, at, done_by, note, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.Kind, formatTime(a.At), strings.TrimSpace(a.By), strings.TrimSpace(a.Note),
			tx.nowText, notify.ActorOf(ctx)).Scan(&id)
		if err != nil {
			return describe(err)
		}
		return describe(audit(ctx, tx, notify.AuditEntry{Kind: "action", Said: notify.Say("audit.action_added", notify.ID(id), notify.Say("action_"+string(a.Kind)), a.At)}))
	})
	return id, err
}

// EditAction changes when an action was done, who did it and its note;
// its kind stays. The audit trail keeps when it was said to be done
// before, and who changed it; like the entry that recorded it, not the
// texts, which the actions table holds.
func (d *DB) EditAction(ctx context.Context, a notify.Action) error {
	return d.inTx(ctx, func(tx *Tx) error {
		var kind notify.ActionKind
		var was string
		err := tx.QueryRowContext(ctx, `SELECT kind, at FROM actions WHERE id = ?`, a.ID).Scan(&kind, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return notify.Errorf(notify.ENOTFOUND, "there is no action %d", a.ID)
		}
		if err != nil {
			return describe(err)
		}
		a.Kind = kind
		if err := d.checkAction(ctx, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE actions SET at = ?, done_by = ?, note = ? WHERE id = ?`,
			formatTime(a.At), strings.TrimSpace(a.By), strings.TrimSpace(a.Note), a.ID); err != nil {
			return describe(err)
		}
		said := notify.Say("audit.action_changed", notify.ID(a.ID), notify.Say("action_"+string(kind)))
		if formatTime(a.At) != was {
			said = notify.Say("audit.action_redated", notify.ID(a.ID), notify.Say("action_"+string(kind)), a.At, parseTime(was))
		}
		return describe(audit(ctx, tx, notify.AuditEntry{Kind: "action", Said: said}))
	})
}

// checkAction checks an action as told, and when it was done.
func (d *DB) checkAction(ctx context.Context, a notify.Action) error {
	if err := a.Check(); err != nil {
		return err
	}
	return d.checkDoneAt(ctx, a.At)
}

// checkDoneAt checks when a manager says something was done against the
// incident as recorded now.
func (d *DB) checkDoneAt(ctx context.Context, at time.Time) error {
	inc, err := d.incidentSoFar(ctx)
	if err != nil {
		return err
	}
	return inc.CheckDoneAt(at, d.Now()).Err()
}

// incidentSoFar is the incident as recorded now, or the zero record
// before there is one (whose times bound nothing), for checking when
// something was done.
func (d *DB) incidentSoFar(ctx context.Context) (notify.Incident, error) {
	inc, err := d.Incident(ctx)
	if notify.ErrorCode(err) == notify.ENOTFOUND {
		return notify.Incident{}, nil
	}
	return inc, err
}

// Actions lists every action recorded, in the order they were done.
func (d *DB) Actions(ctx context.Context) ([]notify.Action, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, kind, at, done_by, note, recorded_at, recorded_by FROM actions ORDER BY at, id`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.Action
	for rows.Next() {
		var a notify.Action
		var at, recorded string
		if err := rows.Scan(&a.ID, &a.Kind, &at, &a.By, &a.Note, &recorded, &a.RecordedBy); err != nil {
			return nil, err
		}
		a.At, a.RecordedAt = parseTime(at), parseTime(recorded)
		out = append(out, a)
	}
	return out, describe(rows.Err())
}

// Filed fills in, on each deadline, when its report was first filed and
// who recorded it.
func (d *DB) Filed(ctx context.Context, deadlines []notify.Deadline) ([]notify.Deadline, error) {
	actions, err := d.Actions(ctx)
	return notify.Filed(deadlines, actions), err
}

// DateImport sets when the persons concerned were listed from the book an
// import read, as a manager dates it for the timeline. The audit trail
// keeps when it was said to be before.
func (d *DB) DateImport(ctx context.Context, id int64, at time.Time) error {
	if err := d.checkDoneAt(ctx, at); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var was string
		err := tx.QueryRowContext(ctx, `SELECT done_at FROM imports WHERE id = ? AND state = 'done'`, id).Scan(&was)
		if errors.Is(err, sql.ErrNoRows) {
			return notify.Errorf(notify.ENOTFOUND, "there is no finished import %d", id)
		}
		if err != nil {
			return describe(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE imports SET done_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
			return describe(err)
		}
		return describe(audit(ctx, tx, notify.AuditEntry{Kind: "import",
			Said: notify.Say("audit.import_dated", notify.ID(id), at, parseTime(was))}))
	})
}
