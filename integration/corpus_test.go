package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/rules"
)

// realModules are the modules TestRealModules runs leakfix on: leakfix's
// own dependencies, whose own dependencies are in the module cache with
// them. Of golang.org/x/tools, only the packages leakfix uses (and one with
// leaks) are copied, with what they and their tests import from the module,
// to keep the test within a couple of minutes.
var realModules = []struct {
	path string
	// roots, when set, limits the copy to these packages (directories
	// relative to the module root, slash-separated) and their
	// dependencies in the module.
	roots []string
}{
	{path: "github.com/spf13/cobra"},
	{path: "github.com/dave/dst"},
	{path: "golang.org/x/tools", roots: []string{"go/packages", "go/packages/gopackages", "go/ast/inspector", "go/types/typeutil", "go/gcexportdata"}},
}

// TestRealModules copies modules from the module cache, runs leakfix -w
// ./... on each copy, and checks that a second run changes nothing, and
// that the copy still builds, that go vet reports nothing it did not report
// before, and that the tests that passed before still pass. What ran
// before is run only for what fails after, to halve the cost, and in the
// same copy, its files put back as they were (a new copy would make the go
// command build every package again, as for any new directory); a module
// leakfix leaves unchanged needs none of it.
func TestRealModules(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs the tests of real modules")
	}
	t.Parallel() // with the other slow tests: each module in its own copy
	for _, m := range realModules {
		t.Run(path.Base(m.path), func(t *testing.T) {
			t.Parallel()
			src := moduleDir(t, m.path)
			fixed := t.TempDir()
			copyCachedModule(t, src, fixed, m.path, m.roots)
			downloadDeps(t, fixed)

			res := runIn(t, fixed, "leakfix", "-w", "./...")
			if res.code != 0 && res.code != 1 {
				t.Fatalf("leakfix -w exited %d:\n%s", res.code, res.stderr)
			}
			t.Logf("leakfix -w:\n%s", res.stderr)
			if again := runIn(t, fixed, "leakfix", "-l", "./..."); again.stdout != "" || again.code > 1 {
				t.Errorf("a second run (exit %d) would change:\n%s%s", again.code, again.stdout, again.stderr)
			}
			changed := changedFiles(t, src, fixed)
			if len(changed) == 0 {
				t.Log("leakfix -w changed nothing: the module builds, vets and tests as it did")
				return
			}
			t.Logf("leakfix -w changed %s", strings.Join(changed, ", "))
			if build := runIn(t, fixed, "go", "build", "./..."); build.code != 0 {
				t.Fatalf("the fixed module does not build:\n%s", build.stderr)
			}
			vet := runIn(t, fixed, "go", "vet", "./...")
			failed := testFailures(t, runIn(t, fixed, "go", "test", "-count=1", "-json", "./..."))
			if vet.code == 0 && len(failed) == 0 {
				return
			}

			// Before the fixes.
			unchange(t, src, fixed, changed)
			if still := changedFiles(t, src, fixed); len(still) > 0 {
				t.Fatalf("%s still changed", strings.Join(still, ", "))
			}
			if vet.code != 0 {
				before := vetReports(runIn(t, fixed, "go", "vet", "./...").stderr)
				for _, r := range vetReports(vet.stderr) {
					if !slices.Contains(before, r) {
						t.Errorf("go vet reports a new problem: %s", r)
					}
				}
			}
			if len(failed) > 0 {
				t.Logf("failing tests: %v", failed)
				pkgs := slices.Sorted(maps.Keys(packagesOf(failed)))
				before := testFailures(t, runIn(t, fixed, "go", append([]string{"test", "-count=1", "-json"}, pkgs...)...))
				for _, f := range failed {
					if !slices.Contains(before, f) {
						t.Errorf("%s fails after leakfix -w, and passed before", f)
					}
				}
			}
		})
	}
}

// TestStdDryRun runs every rule over the standard library and its tests:
// leakfix must not fail to load anything nor panic, and every fix it
// proposes must pass the verify step (-v names every fix dropped). It logs
// the number of findings per rule. Where script(1) is, leakfix's stderr is
// its terminal (its stdout, the diff, is not), and the subtest progress
// holds it to what TestProgressOnTerminal checks in -short mode: the
// progress line shows, and is erased before leakfix exits.
func TestStdDryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: analyzes the whole standard library")
	}
	t.Parallel()
	res := stdDryRun()
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.code != 0 && res.code != 1 {
		t.Errorf("leakfix std exited %d", res.code)
	}
	finding := regexp.MustCompile(`^\S+\.go:\d+(:\d+)?: ([\w-]+): (.*)$`)
	perRule := map[string]int{}
	unfixable := map[string]int{}
	for _, line := range res.lines() {
		switch m := finding.FindStringSubmatch(line); {
		case m != nil:
			perRule[m[2]]++
			if strings.Contains(m[3], "(no automatic fix: ") {
				unfixable[m[2]]++
			}
		case strings.HasPrefix(line, "leakfix: ") && strings.Contains(line, ": dropped fix "):
			t.Errorf("a fix failed: %s", line)
		case strings.HasPrefix(line, "leakfix: "):
			// what -v says about the files
		default:
			t.Errorf("unexpected output: %s", line)
		}
	}
	for _, rule := range slices.Sorted(maps.Keys(perRule)) {
		t.Logf("%s: %d findings, %d without a fix", rule, perRule[rule], unfixable[rule])
	}
	if len(perRule) == 0 {
		t.Error("no findings at all in std: did the analysis run?")
	}
	t.Run("progress", func(t *testing.T) {
		if !res.terminal {
			t.Skip("needs script(1) for a terminal")
		}
		checkProgress(t, res.stderr)
	})
}

// A stdRun is what leakfix -v --enable=<every rule> std wrote on stderr,
// and its exit status.
type stdRun struct {
	stderr string
	// terminal is set when stderr was a terminal (script(1)'s, which
	// shows it with \r\n line ends): it then holds the progress line too.
	terminal bool
	code     int
	err      error
}

// stdDryRun is TestStdDryRun's run of leakfix over std: leakfix's stderr
// is script(1)'s terminal, where there is script, and its stdout (the
// diff) is not.
func stdDryRun() stdRun {
	var all []string
	for _, r := range rules.All() {
		all = append(all, r.Name)
	}
	dir, err := os.MkdirTemp("", "leakfix-std-")
	if err != nil {
		return stdRun{err: err}
	}
	defer os.RemoveAll(dir)
	args := []string{leakfixPath(), "-v", "--enable=" + strings.Join(all, ","), "std"}
	var res stdRun
	var cmd *exec.Cmd
	if script, err := exec.LookPath("script"); err == nil {
		res.terminal = true
		for i, a := range args {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		cmd = exec.Command(script, "-qec", strings.Join(args, " ")+" >/dev/null", os.DevNull)
	} else {
		cmd = exec.Command(args[0], args[1:]...)
	}
	cmd.Dir = dir
	cmd.Env = append(offlineEnv(), "TERM=xterm")
	var stderr bytes.Buffer
	if res.terminal {
		cmd.Stdout = &stderr // the terminal's
	} else {
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	}
	err = cmd.Run()
	res.stderr = stderr.String()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		res.err = err
	}
	return res
}

// lines returns the lines of stderr as they read in the end: on a
// terminal, what a line shows once the progress line drawn on it (each
// time after a \r, erased by "\x1b[K") has been drawn over.
func (r stdRun) lines() []string {
	var out []string
	for line := range strings.Lines(r.stderr) {
		line = strings.TrimSuffix(line, "\n")
		if r.terminal {
			line = strings.TrimSuffix(line, "\r")
			line = line[strings.LastIndex(line, "\r")+1:]
			line = strings.ReplaceAll(line, "\x1b[K", "")
			if line == "" {
				continue // the progress line, erased
			}
		}
		out = append(out, line)
	}
	return out
}

// moduleDir returns the module cache directory of the version of the
// module that leakfix requires.
func moduleDir(t *testing.T, path string) string {
	cmd := exec.Command("go", "mod", "download", "-json", path)
	cmd.Dir = ".." // leakfix's module root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", path, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s: no directory in %s", path, out)
	}
	return mod.Dir
}

// copyCachedModule copies the module at src, read-only in the module cache, to
// dst, writable. With roots, it copies only those packages, with their
// tests and testdata, the packages of the module they and their tests
// import, without their tests, and the files at the module root.
func copyCachedModule(t *testing.T, src, dst, modulePath string, roots []string) {
	keep := func(string) bool { return true }
	if len(roots) > 0 {
		deps := packageDirs(t, src, modulePath, roots)
		keep = func(file string) bool {
			dir := filepath.Dir(file)
			parts := strings.Split(filepath.ToSlash(dir), "/")
			if i := slices.Index(parts, "testdata"); i >= 0 {
				return slices.Contains(roots, path.Join(parts[:i]...))
			}
			if slices.Contains(roots, filepath.ToSlash(dir)) {
				return true
			}
			return (deps[dir] || dir == ".") && !strings.HasSuffix(file, "_test.go")
		}
	}
	err := filepath.WalkDir(src, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, file)
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !keep(rel) {
			return nil
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm()|0o200)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// packageDirs lists the directories, relative to the module root, of the
// packages of the module that the given packages and their tests import.
func packageDirs(t *testing.T, root, modulePath string, pkgs []string) map[string]bool {
	args := []string{"list", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}} {{.Dir}}"}
	for _, p := range pkgs {
		args = append(args, "./"+p)
	}
	res := runIn(t, root, "go", args...)
	if res.code != 0 {
		t.Fatalf("go list: %s", res.stderr)
	}
	dirs := map[string]bool{}
	for line := range strings.Lines(res.stdout) {
		mod, dir, _ := strings.Cut(strings.TrimSpace(line), " ")
		if mod != modulePath {
			continue
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		dirs[rel] = true
	}
	return dirs
}

// downloadDeps makes sure the module cache holds what the module in dir
// needs to build and test: the module cache holds what leakfix needs,
// which may be less. Once they are there, it needs no network.
func downloadDeps(t *testing.T, dir string) {
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
}

// changedFiles lists the files of the copy dst that differ from their
// original in src, or that src does not have.
func changedFiles(t *testing.T, src, dst string) []string {
	var changed []string
	err := filepath.WalkDir(dst, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dst, path)
		x, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err != nil || !bytes.Equal(x, y) {
			changed = append(changed, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// unchange puts the changed files of the copy dst back as they are in src
// (removing those src does not have).
func unchange(t *testing.T, src, dst string, changed []string) {
	t.Helper()
	for _, rel := range changed {
		content, err := os.ReadFile(filepath.Join(src, rel))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			err = os.Remove(filepath.Join(dst, rel))
		case err == nil:
			err = os.WriteFile(filepath.Join(dst, rel), content, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// vetPosition matches the line and column of a go vet report.
var vetPosition = regexp.MustCompile(`^(\S+\.go):\d+(:\d+)?: `)

// vetReports returns go vet's reports, without line numbers (a fix moves
// the lines below it) and without the "# package" headers.
func vetReports(out string) []string {
	var reports []string
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		reports = append(reports, vetPosition.ReplaceAllString(line, "$1: "))
	}
	return reports
}

// testFailures returns the failing tests, as "package.Test", and the
// packages that fail without a failing test (build or setup failures), as
// "package", from go test -json's output.
func testFailures(t *testing.T, res result) []string {
	var failed []string
	failedTest := map[string]bool{} // packages with a failing test
	var pkgFailed []string
	sc := bufio.NewScanner(strings.NewReader(res.stdout))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var ev struct{ Action, Package, Test string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			continue // build output
		}
		if ev.Action != "fail" {
			continue
		}
		if ev.Test == "" {
			pkgFailed = append(pkgFailed, ev.Package)
			continue
		}
		// Subtests fail with their parents; the parent is enough.
		if !strings.Contains(ev.Test, "/") {
			failed = append(failed, ev.Package+"."+ev.Test)
			failedTest[ev.Package] = true
		}
	}
	for _, p := range pkgFailed {
		if !failedTest[p] {
			failed = append(failed, p)
		}
	}
	if res.code != 0 && len(failed) == 0 {
		t.Fatalf("go test failed without a failing test:\n%s", res.stderr)
	}
	return failed
}

// packagesOf returns the packages of failures as testFailures reports
// them.
func packagesOf(failures []string) map[string]bool {
	pkgs := map[string]bool{}
	for _, f := range failures {
		if i := strings.LastIndex(f, "."); i > strings.LastIndex(f, "/") {
			f = f[:i]
		}
		pkgs[f] = true
	}
	return pkgs
}

// A result is what a command did.
type result struct {
	stdout, stderr string
	code           int
}

// runIn runs a command in dir, with the leakfix binary on PATH and the go
// offlineEnv is the environment of the go command and leakfix over a copy
// of a module or std: the module cache alone, this toolchain, no
// workspace, and no VCS stamping of the copies.
func offlineEnv() []string {
	return append(os.Environ(),
		"GOFLAGS=-mod=mod -buildvcs=false",
		"GOPROXY=off",
		"GOTOOLCHAIN=local",
		"GOWORK=off",
	)
}

// command working offline from the module cache.
func runIn(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	if name == "leakfix" {
		name = filepath.Join(binDir, "leakfix")
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = offlineEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return res
}
