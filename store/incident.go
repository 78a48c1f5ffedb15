package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// SeedIncident brings the config's incident into the record: the first
// time whole, later only the keys the config changed since it was last
// seeded, onto the latest version. A manager's edits on the web stay until
// the config changes that same key.
func (d *DB) SeedIncident(ctx context.Context, inc notify.Incident) (saved bool, err error) {
	config, err := recordOf(inc)
	if err != nil {
		return false, err
	}
	err = d.inTx(ctx, func(tx *Tx) error {
		var lastConfig string
		err := tx.QueryRowContext(ctx, `SELECT config FROM incident_versions WHERE source = 'config' ORDER BY id DESC LIMIT 1`).Scan(&lastConfig)
		if err != nil && !errors.Is(err, sql.ErrNoRows) || lastConfig == config {
			return describe(err)
		}
		_, latest, err := latestVersion(ctx, tx)
		if err != nil {
			return err
		}
		record := config
		if lastConfig != "" && latest != "" {
			if record, err = applyKeys(latest, config, changedKeys(lastConfig, config)); err != nil {
				return err
			}
		}
		saved = true
		return saveIncident(ctx, tx, "config", nil, latest, record, config)
	})
	return saved, err
}

// SaveIncident saves a manager's edit of the incident record, made on
// version base, as a new version; saving it unchanged saves nothing. An
// edit made on an older version than the latest is refused, so that two
// managers cannot undo each other's work unseen.
func (d *DB) SaveIncident(ctx context.Context, userID, base int64, inc notify.Incident) error {
	record, err := recordOf(inc)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		id, last, err := latestVersion(ctx, tx)
		switch {
		case err != nil:
			return err
		case id != base:
			return notify.Errorf(notify.ECONFLICT, "the incident record was saved again (version %d) since this edit began", id)
		case last == record:
			return nil
		}
		return saveIncident(ctx, tx, "web", userID, last, record, nil)
	})
}

// recordOf is the incident as stored, so that the same record reads the
// same however it came: its times to the minute (the web form's
// precision) and in UTC, its texts without the blank lines around them
// (a TOML multi-line string ends in one) and with plain line ends.
func recordOf(inc notify.Incident) (string, error) {
	for _, t := range []*time.Time{&inc.OccurredAt, &inc.DiscoveredAt, &inc.SpamSentAt} {
		*t = t.UTC().Truncate(time.Minute)
	}
	for _, text := range []*notify.IncidentText{&inc.IncidentText, &inc.En} {
		for _, f := range text.Fields() {
			*f.Value = strings.TrimSpace(strings.ReplaceAll(*f.Value, "\r\n", "\n"))
		}
	}
	b, err := json.Marshal(inc)
	return string(b), err
}

// latestVersion is the incident record's latest version and its id; 0
// and "" before there is one.
func latestVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (id int64, record string, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, record FROM incident_versions ORDER BY id DESC LIMIT 1`).Scan(&id, &record)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, record, describe(err)
}

// saveIncident saves record as a new version after before (the latest
// until now, "" if none), and audits which keys it changed.
func saveIncident(ctx context.Context, tx *Tx, source string, userID any, before, record string, config any) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO incident_versions (saved_at, source, user_id, record, config) VALUES (?, ?, ?, ?, ?)`,
		tx.nowText, source, userID, record, config)
	if err != nil {
		return describe(err)
	}
	id, _ := res.LastInsertId()
	said := notify.Say("audit.incident_saved", notify.ID(id), notify.Say("audit.from_"+source))
	if before != "" {
		var items []notify.Said
		for _, k := range changedKeys(before, record) {
			items = append(items, notify.ItemLabel(k))
		}
		if len(items) == 0 {
			said = said.And(notify.Say("audit.nothing_changed"))
		} else {
			said = said.And(notify.Say("audit.items_changed", items))
		}
	}
	return describe(audit(ctx, tx, notify.AuditEntry{Kind: "incident", Said: said}))
}

// Incident is the incident record's latest version.
func (d *DB) Incident(ctx context.Context) (notify.Incident, error) {
	var inc notify.Incident
	_, record, err := latestVersion(ctx, d.db)
	if err != nil {
		return inc, err
	}
	if record == "" {
		return inc, notify.Errorf(notify.ENOTFOUND, "there is no incident record yet: the config's [incident] seeds it when owabi starts")
	}
	return inc, json.Unmarshal([]byte(record), &inc)
}

// IncidentHistory is every version of the incident record, the latest
// first, each with the keys it changed.
func (d *DB) IncidentHistory(ctx context.Context) ([]notify.IncidentVersion, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT v.id, v.saved_at, CASE v.source WHEN 'config' THEN 'config' ELSE coalesce(u.name, '') END, v.record
		FROM incident_versions v LEFT JOIN users u ON u.id = v.user_id ORDER BY v.id`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.IncidentVersion
	before := ""
	for rows.Next() {
		var v notify.IncidentVersion
		var at, record string
		if err := rows.Scan(&v.ID, &at, &v.By, &record); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(record), &v.Incident); err != nil {
			return nil, err
		}
		v.SavedAt = parseTime(at)
		if before != "" {
			v.Changed = changedKeys(before, record)
		}
		before = record
		out = append(out, v)
	}
	slices.Reverse(out)
	return out, describe(rows.Err())
}

// changedKeys lists the keys whose values differ between two records,
// with the English text's keys as "en.summary" and so on.
func changedKeys(a, b string) []string {
	fa, fb := flatten(a), flatten(b)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(fb)) {
		if fa[k] != fb[k] {
			out = append(out, k)
		}
	}
	return out
}

func flatten(record string) map[string]string {
	out := map[string]string{}
	for k, v := range fields(record) {
		if sub, ok := v.(map[string]any); ok {
			for sk, sv := range sub {
				out[k+"."+sk] = fmt.Sprint(sv)
			}
			continue
		}
		out[k] = fmt.Sprint(v)
	}
	return out
}

func fields(record string) map[string]any {
	m := map[string]any{}
	json.Unmarshal([]byte(record), &m)
	return m
}

// applyKeys is record with the keys (as changedKeys names them) taken
// from from.
func applyKeys(record, from string, keys []string) (string, error) {
	to, src := fields(record), fields(from)
	for _, k := range keys {
		if outer, inner, ok := strings.Cut(k, "."); ok {
			sub, _ := to[outer].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				to[outer] = sub
			}
			sub[inner] = src[outer].(map[string]any)[inner]
			continue
		}
		to[k] = src[k]
	}
	b, err := json.Marshal(to)
	if err != nil {
		return "", err
	}
	var inc notify.Incident // through the type, so that the record reads as any other
	if err := json.Unmarshal(b, &inc); err != nil {
		return "", err
	}
	return recordOf(inc)
}
