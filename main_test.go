package main

import (
	"bytes"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/rules"
)

// A file that changed on disk after leakfix read it is not overwritten:
// leakfix says so, keeps reporting its leak, exits 2, and still writes the
// other files.
func TestWriteChangedOnDisk(t *testing.T) {
	dir := t.TempDir()
	const (
		loaded = "package p\n\nfunc f() {}\n"
		fixed  = "package p\n\nfunc f() { /* fixed */ }\n"
		edited = "package p\n\nfunc f() { /* edited meanwhile */ }\n"
	)
	stale, fresh := filepath.Join(dir, "stale.go"), filepath.Join(dir, "fresh.go")
	for name, content := range map[string]string{stale: edited, fresh: loaded} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	finding := func(file string) driver.Finding {
		return driver.Finding{
			Finding:  rules.Finding{Rule: "missing-close", Message: "f is never closed"},
			Position: token.Position{Filename: file, Line: 3, Column: 1},
			File:     file,
			Fix:      &driver.AppliedFix{Message: "close f", Edits: fix.FileEdits{file: {{Start: 20, End: 22, New: "{ /* fixed */ }"}}}},
		}
	}
	res := &driver.Result{
		Findings: []driver.Finding{finding(fresh), finding(stale)},
		Changes: []driver.FileChange{
			{Path: fresh, Old: []byte(loaded), New: []byte(fixed)},
			{Path: stale, Old: []byte(loaded), New: []byte(fixed)},
		},
	}
	var stdout, stderr bytes.Buffer
	status := showResult(res, options{write: true, format: "text"}, nil, dir, &stdout, &stderr)
	if status != exitErrors {
		t.Errorf("exit status %d, want %d", status, exitErrors)
	}
	want := "leakfix: write stale.go: file changed on disk since it was read; not overwritten (run leakfix again)\n" +
		"stale.go:3:1: missing-close: f is never closed\n"
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout: %q", stdout.String())
	}
	for name, want := range map[string]string{stale: edited, fresh: fixed} {
		if got, _ := os.ReadFile(name); string(got) != want {
			t.Errorf("%s holds %q, want %q", filepath.Base(name), got, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %s, want only the two files", strings.Join(names, " "))
	}
}
