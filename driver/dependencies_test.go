package driver_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// A third-party module from the module cache: what its OpenFile returns is
// learned from its source on the first run, and read from the cache on
// the next, with the same finding and fix.
func TestDependencySummariesCached(t *testing.T) {
	tmp := t.TempDir()
	proxy := filepath.Join(tmp, "proxy")
	// The stand-in SFTP library of the golden cases, published as a
	// version.
	src := filepath.Join("..", "testdata", "missing-close", "_deps", "example.com", "remote")
	publish(t, proxy, src, "example.com/remote", "v1.0.0")

	mod := filepath.Join(tmp, "app")
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/app\n\ngo 1.26\n\nrequire example.com/remote v1.0.0\n")
	writeFile(t, filepath.Join(mod, "app.go"), "package app\n\n"+remoteReader)
	cache := filepath.Join(tmp, "summaries")
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOMODCACHE", filepath.Join(tmp, "modcache"))
	t.Setenv("GOFLAGS", "-mod=mod -modcacherw")
	t.Setenv("GONOSUMDB", "*")
	t.Setenv("GOSUMDB", "off")
	t.Setenv("LEAKFIX_CACHE", cache)

	run := func() (driver.Finding, string) {
		var log strings.Builder
		res, err := driver.Run(driver.Options{
			Load:  load.Config{Dir: mod},
			Args:  []string{"./..."},
			Rules: []*rules.Rule{rules.MissingClose},
			Log:   func(format string, args ...any) { fmt.Fprintf(&log, format+"\n", args...) },
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Errors {
			t.Fatalf("load error: %s: %s", e.Pos, e.Msg)
		}
		if len(res.Findings) != 1 || !res.Findings[0].Fixed() {
			t.Fatalf("want one fixed finding, got %+v", res.Findings)
		}
		return res.Findings[0], log.String()
	}
	cold, log := run()
	if !strings.Contains(log, "(0 from the cache") {
		t.Errorf("first run: want the dependency summarized from source, log:\n%s", log)
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "*", "*.json"))
	if len(entries) != 1 {
		t.Fatalf("want one cache entry after the first run, got %v", entries)
	}
	warm, log := run()
	if !strings.Contains(log, "(1 from the cache") {
		t.Errorf("second run: want the summaries from the cache, log:\n%s", log)
	}
	if cold.Message != warm.Message {
		t.Errorf("warm run found %q, cold %q", warm.Message, cold.Message)
	}
	// A damaged entry is learned again.
	writeFile(t, entries[0], "{not json")
	if _, log := run(); !strings.Contains(log, "(0 from the cache") {
		t.Errorf("damaged entry: want the dependency summarized again, log:\n%s", log)
	}
	// The entry is what decides: one that covers OpenFile but learned
	// nothing of it leaves the opener to its shape, reported and not fixed.
	writeFile(t, entries[0], `{"Covered":["OpenFile"],"Summaries":{}}`)
	res, err := driver.Run(driver.Options{Load: load.Config{Dir: mod}, Args: []string{"./..."}, Rules: []*rules.Rule{rules.MissingClose}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Fixed() || !strings.Contains(res.Findings[0].NoFix, "is not analysed") {
		t.Errorf("with an entry that knows nothing, want a report of the opener by its shape, got %+v", res.Findings)
	}

	// Two packages that call it, in two batches, with no cache: the
	// dependency is learned once, for the first batch, and the second
	// fixes its leak with what the first learned.
	t.Setenv("LEAKFIX_CACHE", "off")
	writeFile(t, filepath.Join(mod, "b", "b.go"), "package b\n\n"+remoteReader)
	var log2 strings.Builder
	res, err = driver.Run(driver.Options{
		Load:  load.Config{Dir: mod, BatchBytes: 1},
		Args:  []string{"./..."},
		Rules: []*rules.Rule{rules.MissingClose},
		Log:   func(format string, args ...any) { fmt.Fprintf(&log2, format+"\n", args...) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log2.String(), "summarized 1 dependency packages from source"); n != 1 {
		t.Errorf("two batches: want the dependency learned once, learned %d times; log:\n%s", n, log2.String())
	}
	if len(res.Findings) != 2 || !res.Findings[0].Fixed() || !res.Findings[1].Fixed() {
		t.Errorf("two batches: want both leaks fixed, got %+v", res.Findings)
	}
}

// publish writes the module in dir as version v of path to a file
// GOPROXY at proxy.
func publish(t *testing.T, proxy, dir, path, v string) {
	t.Helper()
	at := filepath.Join(proxy, filepath.FromSlash(path), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(at, v+".mod"), string(gomod))
	writeFile(t, filepath.Join(at, v+".info"), `{"Version":"`+v+`"}`)
	z, err := os.Create(filepath.Join(at, v+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if err := zip.CreateFromDir(z, module.Version{Path: path, Version: v}, dir); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Test variants can import each other's plain packages (a's tests import
// b, b's tests import a): summarizing dependencies first must not wait in
// a circle (dave/dst's decorator and its goast resolver do this).
func TestSummarizeVariantCycle(t *testing.T) {
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/cycle\n\ngo 1.26\n")
	for _, pkg := range [][2]string{{"a", "b"}, {"b", "a"}} {
		name, other := pkg[0], pkg[1]
		writeFile(t, filepath.Join(mod, name, name+".go"), "package "+name+"\n\nimport \"os\"\n\nfunc Open(p string) (*os.File, error) { return os.Open(p) }\n")
		writeFile(t, filepath.Join(mod, name, name+"_test.go"), `package `+name+`

import (
	"testing"

	"example.com/cycle/`+other+`"
)

func TestOpen(t *testing.T) {
	f, err := `+other+`.Open("x")
	if err != nil {
		t.Skip(err)
	}
	_ = f
}
`)
	}
	done := make(chan *driver.Result, 1)
	go func() {
		res, err := driver.Run(driver.Options{Load: load.Config{Dir: mod, Tests: true}, Args: []string{"./..."}, Rules: []*rules.Rule{rules.MissingClose}})
		if err != nil {
			t.Error(err)
		}
		for _, e := range res.Errors {
			t.Errorf("load error: %s: %s", e.Pos, e.Msg)
		}
		done <- res
	}()
	select {
	case res := <-done:
		// Each test's file from the other package's opener is found, as
		// the summaries are learned whichever way the circle is broken.
		if res != nil && len(res.Findings) != 2 {
			t.Errorf("want the two tests' files, got %+v", res.Findings)
		}
	case <-time.After(time.Minute):
		t.Fatal("driver.Run did not finish: summarizing waits in a circle")
	}
}

// remoteReader is a package body that leaks the file remote.Client opens.
const remoteReader = `import (
	"io"
	"os"

	"example.com/remote"
)

func Read(c *remote.Client, path string) ([]byte, error) {
	f, err := c.OpenFile(path, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}
`
