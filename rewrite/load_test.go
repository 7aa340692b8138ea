package rewrite

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestGroupKey(t *testing.T) {
	for id, want := range map[string]string{
		"example.com/p":                           "example.com/p",
		"example.com/p [example.com/p.test]":      "example.com/p",
		"example.com/p_test [example.com/p.test]": "example.com/p",
		"example.com/p.test":                      "example.com/p",
	} {
		if got := groupKey(id); got != want {
			t.Errorf("groupKey(%q) = %q, want %q", id, got, want)
		}
	}
}

// Batches keep a package with its test variants, put a package after the
// packages its non-test files import, and hold at most the budget of
// source, unless one package alone is larger.
func TestPlanBatches(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, size int) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pkg := func(id string, files []string, imports ...string) *packages.Package {
		p := &packages.Package{ID: id, CompiledGoFiles: files, Imports: map[string]*packages.Package{}}
		for _, imp := range imports {
			p.Imports[imp] = &packages.Package{ID: imp}
		}
		return p
	}
	a, aTest, b, c := file("a.go", 40), file("a_test.go", 40), file("b.go", 100), file("c.go", 30)
	roots := []*packages.Package{
		pkg("a", []string{a}, "b"),
		pkg("a [a.test]", []string{a, aTest}, "b", "c"),
		pkg("a.test", []string{file("main.go", 1)}, "a [a.test]"),
		pkg("b", []string{b}, "c"),
		pkg("c", []string{c}),
	}
	var got []string
	for _, batch := range planBatches(roots, 90) {
		var ids []string
		for _, p := range batch {
			ids = append(ids, p.ID)
		}
		got = append(got, strings.Join(ids, ", "))
	}
	want := []string{"c", "b", "a, a [a.test], a.test"}
	if !slices.Equal(got, want) {
		t.Errorf("batches:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
