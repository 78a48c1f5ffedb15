package notify_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// touch writes an empty file at path, making its folder.
func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLeftBehindListsTheFilesStillThere(t *testing.T) {
	dir := t.TempDir()
	purged := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	before, after := purged.Add(-time.Hour), purged.Add(time.Hour)
	backup, gone, mail, emptyMail := filepath.Join(dir, "backup.db"), filepath.Join(dir, "gone.csv"), filepath.Join(dir, "mail"), filepath.Join(dir, "empty")
	touch(t, backup)
	touch(t, filepath.Join(mail, "000001.eml"))
	touch(t, filepath.Join(mail, "000002.eml"))
	os.MkdirAll(emptyMail, 0o700)
	written := []notify.WrittenFile{ // newest first
		{Kind: notify.FileBackup, Path: filepath.Join(dir, "after.db"), At: after}, // made after the purge: none of it
		{Kind: notify.FileExport, Path: "", Actor: "kanri", At: before},            // a download: where is not known
		{Kind: notify.FileExport, Path: "contacts.csv", At: before},                // as an older owabi recorded it
		{Kind: notify.FileExport, Path: gone, At: before},                          // deleted since
		{Kind: notify.FileCaptures, Path: mail, At: before},
		{Kind: notify.FileCaptures, Path: emptyMail, At: before},
		{Kind: notify.FileBackup, Path: backup, At: before},
		{Kind: notify.FileBackup, Path: backup, At: before.Add(-time.Hour)}, // the same file, written before
		{Kind: notify.FileCaptures, Path: mail, At: before.Add(-time.Hour)},
	}
	want := []notify.WrittenFile{
		{Kind: notify.FileExport, Path: "", Actor: "kanri", At: before},
		{Kind: notify.FileExport, Path: "contacts.csv", At: before},
		{Kind: notify.FileCaptures, Path: mail, At: before, Files: 2},
		{Kind: notify.FileBackup, Path: backup, At: before},
	}
	if got := notify.LeftBehind(written, purged); !reflect.DeepEqual(got, want) {
		t.Errorf("left behind:\n%+v\nwant\n%+v", got, want)
	}
	// Not purged yet: whatever is there holds it.
	touch(t, filepath.Join(dir, "after.db"))
	if got := notify.LeftBehind(written, time.Time{}); len(got) != 5 || got[0].Path != filepath.Join(dir, "after.db") {
		t.Errorf("before a purge, left behind: %+v", got)
	}
}

func TestRemoveDeletesWhatOwabiWroteOnly(t *testing.T) {
	dir := t.TempDir()
	mail, own := filepath.Join(dir, "mail"), filepath.Join(dir, "own")
	touch(t, filepath.Join(mail, "000001.eml"))
	touch(t, filepath.Join(own, "000001.eml"))
	touch(t, filepath.Join(own, "notes.txt")) // someone's own file
	backup := filepath.Join(dir, "backup.db")
	touch(t, backup)
	for _, f := range []notify.WrittenFile{{Kind: notify.FileCaptures, Path: mail}, {Kind: notify.FileCaptures, Path: own}, {Kind: notify.FileBackup, Path: backup}} {
		if !f.CanRemove() {
			t.Fatalf("%+v cannot be removed", f)
		}
		if err := f.Remove(); err != nil {
			t.Fatal(err)
		}
	}
	for path, there := range map[string]bool{mail: false, backup: false, filepath.Join(own, "000001.eml"): false, filepath.Join(own, "notes.txt"): true} {
		if _, err := os.Stat(path); (err == nil) != there {
			t.Errorf("%s: there %v, want %v", path, err == nil, there)
		}
	}
	for _, f := range []notify.WrittenFile{{Kind: notify.FileExport}, {Kind: notify.FileExport, Path: "contacts.csv"}} {
		if f.CanRemove() || f.Remove() == nil {
			t.Errorf("%+v: removed, though owabi does not know where it is", f)
		}
	}
}
