package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/owabi/owabi/notify"
)

// pathsOf lists the kinds, paths and actors of files, in order.
func pathsOf(files []notify.WrittenFile) [][3]string {
	var out [][3]string
	for _, f := range files {
		out = append(out, [3]string{string(f.Kind), f.Path, f.Actor})
	}
	return out
}

func TestTheFilesOwabiWroteAreKeptThroughARestore(t *testing.T) {
	ctx := notify.WithActor(context.Background(), "cli")
	d := openTemp(t)
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	if err := d.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []notify.WrittenFile{
		{Kind: notify.FileBackup, Path: backup},
		{Kind: notify.FileExport, Path: filepath.Join(dir, "contacts.csv")},
		{Kind: notify.FileCaptures, Path: filepath.Join(dir, "mail")},
	} {
		if err := d.RecordFile(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.RecordFile(notify.WithActor(ctx, "kanri"), notify.WrittenFile{Kind: notify.FileExport}); err != nil {
		t.Fatal(err)
	}
	want := [][3]string{{"export", "", "kanri"}, {"captures", filepath.Join(dir, "mail"), "cli"}, {"export", filepath.Join(dir, "contacts.csv"), "cli"}, {"backup", backup, "cli"}}
	files, err := d.WrittenFiles(ctx)
	if err != nil || !reflect.DeepEqual(pathsOf(files), want) || files[0].At.IsZero() {
		t.Fatalf("written files: %q, %v\nwant %q", pathsOf(files), err, want)
	}
	// The backup was made before the files were recorded: restoring it
	// forgets none of them, and keeps the copy made before the restore.
	before := d.BeforeRestorePath(d.Now())
	if err := d.Backup(ctx, before); err != nil {
		t.Fatal(err)
	}
	if err := d.Restore(ctx, backup, false); err != nil {
		t.Fatal(err)
	}
	files, err = d.WrittenFiles(ctx)
	if err != nil || !reflect.DeepEqual(pathsOf(files), append(want, [3]string{"before-restore", before, ""})) {
		t.Errorf("after the restore: %q, %v", pathsOf(files), err)
	}
	if err := d.RecordFile(ctx, notify.WrittenFile{Kind: notify.FileBeforeRestore, Path: before}); err != nil {
		t.Fatal(err)
	}
	if files, _ := d.WrittenFiles(ctx); len(files) != 5 || files[0].Path != before || files[0].Actor != "cli" {
		t.Errorf("the copy kept before the restore, recorded: %q", pathsOf(files))
	}
	// Restored again, from the copy: nothing is doubled.
	if err := d.Restore(ctx, before, false); err != nil {
		t.Fatal(err)
	}
	if files, _ := d.WrittenFiles(ctx); len(files) != 5 {
		t.Errorf("after restoring again: %q", pathsOf(files))
	}
}
