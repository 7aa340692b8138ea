package rewrite

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.go")
	if err := CreateFile(path, []byte("package p\n")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "package p\n" {
		t.Fatalf("got %q, %v", got, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	// An existing file is never overwritten.
	err = CreateFile(path, []byte("package q\n"))
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("second create: got %v, want an fs.ErrExist error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "package p\n" {
		t.Errorf("the existing file changed: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
