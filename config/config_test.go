package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, FileName), "resources:\n  - func: example.com/s.Open\n    release: Release\nmax-body-bytes: 1024\n")
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	var f Finder
	cfg, err := f.For(deep)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != filepath.Join(root, FileName) || cfg.MaxBodyBytes != 1024 {
		t.Fatalf("got %+v", cfg)
	}
	a := cfg.Acquirers()
	if got := a["example.com/s.Open"]; got == nil || got.Kind.ReleaseMethod() != "Release" || got.Kind.Name != "resource" {
		t.Errorf("declared resource: got %+v", got)
	}
	if a["os.Open"] == nil {
		t.Error("the standard library's acquirers are missing")
	}
	// A nearer file wins.
	write(t, filepath.Join(root, "a", FileName), "")
	var g Finder
	near, err := g.For(deep)
	if err != nil {
		t.Fatal(err)
	}
	if near.Path != filepath.Join(root, "a", FileName) || len(near.Resources) != 0 {
		t.Errorf("nearer config: got %+v", near)
	}
}

func TestNoConfig(t *testing.T) {
	var f Finder
	cfg, err := f.For(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != "" && filepath.Base(cfg.Path) == FileName && filepath.Dir(cfg.Path) != "/" {
		t.Skipf("a %s above the temp dir applies: %s", FileName, cfg.Path)
	}
	if len(cfg.Resources) != 0 || cfg.MaxBodyBytes != 0 {
		t.Errorf("got %+v, want the empty config", cfg)
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		content string
		line    int
		msg     string
	}{
		{"resources:\n  - func: x.Open\n    relase: Release\n", 3, "field relase not found"},
		{"resources:\n  - func: x.Open\n  - release: Close\n", 3, "a resource needs func: the function that acquires it"},
		{"max-body-bytes: lots\n", 1, "cannot unmarshal !!str `lots` into int64"},
		{"resources: [\n", 1, "did not find expected node content"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName)
		write(t, path, tt.content)
		var f Finder
		_, err := f.For(dir)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: got %v, want an *Error", tt.content, err)
			continue
		}
		if ce.File != path || ce.Line != tt.line || ce.Msg != tt.msg {
			t.Errorf("%q: got %s:%d: %s, want line %d: %s", tt.content, ce.File, ce.Line, ce.Msg, tt.line, tt.msg)
		}
	}
}
