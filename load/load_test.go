package load

import (
	"fmt"
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
	file := func(name string, size int) string { return sizedFile(t, dir, name, size) }
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
	got := batchIDs(planBatches(roots, 90))
	want := []string{"c", "b", "a, a [a.test], a.test"}
	if !slices.Equal(got, want) {
		t.Errorf("batches:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The batches are the same on every run: packages are visited in the
// order of their import paths, not of their Imports map, whose order Go
// varies from one iteration to the next. (Where the batches are cut
// decides which packages a test's summaries come from: a run that cut
// them elsewhere reported a leak that the run before did not.)
func TestPlanBatchesDeterministic(t *testing.T) {
	dir := t.TempDir()
	var roots []*packages.Package
	for i := range 30 {
		name := sizedFile(t, dir, fmt.Sprintf("p%02d.go", i), 10+i)
		roots = append(roots, &packages.Package{ID: fmt.Sprintf("p%02d", i), CompiledGoFiles: []string{name}, Imports: map[string]*packages.Package{}})
	}
	// a, visited first, imports every other package, each with a file of
	// its own size: the order it visits them in is where the batches are
	// cut.
	importer := &packages.Package{ID: "a", Imports: map[string]*packages.Package{}}
	for _, p := range roots {
		importer.Imports[p.ID] = p
	}
	roots = append(roots, importer)
	cuts := func() string { return strings.Join(batchIDs(planBatches(roots, 100)), " | ") }
	first := cuts()
	for range 20 {
		if got := cuts(); got != first {
			t.Fatalf("batches differ between runs:\n%s\n%s", first, got)
		}
	}
}

// sizedFile writes a file of size bytes (zeros) in dir, for planBatches to
// weigh, and returns its path.
func sizedFile(t *testing.T, dir, name string, size int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// batchIDs lists each batch's package IDs, comma-separated.
func batchIDs(batches [][]*packages.Package) []string {
	var out []string
	for _, batch := range batches {
		var ids []string
		for _, p := range batch {
			ids = append(ids, p.ID)
		}
		out = append(out, strings.Join(ids, ", "))
	}
	return out
}

// loadHolders gives the packages that "file=" queries give, one query a
// file: a file of a package, its test files (internal and external), a file
// that build constraints leave out and one outside the module.
func TestLoadHoldersAsFileQueries(t *testing.T) {
	root := t.TempDir()
	mod := filepath.Join(root, "m")
	for name, content := range map[string]string{
		"go.mod":            "module example.com/m\n\ngo 1.22\n",
		"p/p.go":            "package p\n\nfunc F() {}\n",
		"p/q.go":            "package p\n",
		"p/p_test.go":       "package p\n",
		"p/x_test.go":       "package p_test\n",
		"p/ignored.go":      "//go:build never\n\npackage p\n",
		"r/r.go":            "package r\n",
		"../outside/out.go": "package outside\n",
	} {
		writeTestFile(t, filepath.Join(mod, name), content)
	}
	var files []string
	for _, f := range []string{"p/p.go", "p/q.go", "p/p_test.go", "p/x_test.go", "p/ignored.go", "r/r.go", "../outside/out.go"} {
		files = append(files, filepath.Join(mod, f))
	}
	ids := func(pkgs []*packages.Package) []string {
		var out []string
		for _, p := range pkgs {
			out = append(out, p.ID)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, tests := range []bool{false, true} {
		cfg := &packages.Config{Mode: listMode, Dir: mod, Tests: tests}
		var queries []string
		for _, f := range files {
			queries = append(queries, "file="+f)
		}
		want, err := packages.Load(cfg, queries...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := loadHolders(cfg, files)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := ids(got), ids(want); !slices.Equal(g, w) {
			t.Errorf("tests %v: loadHolders gives %q, file= queries %q", tests, g, w)
		}
	}
}

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
