package integration

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHooks runs the hooks of .pre-commit-hooks.yaml with the real
// pre-commit, as a user's repository would: pre-commit clones leakfix (a
// repository made of this module's files as they are now, committed or
// not), builds it with go install offline, from the module cache that the
// README's setting points it to, and runs it on the staged files of a
// repository whose module is in a subdirectory (svc, two packages), from
// that repository's top level.
//
// leakfix-check fails and names the files, changing nothing; leakfix, run
// by pre-commit's own git hook, fixes them and fails the commit, as
// pre-commit does when a hook changes files; with the fixes staged, the
// commit goes through.
func TestPreCommitHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds leakfix in a pre-commit environment; skipped in -short mode")
	}
	t.Parallel() // it waits on pre-commit, git and go install
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Skip("pre-commit not found on PATH (.ci/run installs Debian's pre-commit package)")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not found on PATH")
	}
	tmp := t.TempDir()
	env := append(os.Environ(),
		// The README's setting: pre-commit gives the hook its own GOPATH,
		// which would move the module cache to an empty one.
		"GOMODCACHE="+goEnv.GOMODCACHE,
		"GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local",
		"PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit-home"),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=leakfix test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=leakfix test", "GIT_COMMITTER_EMAIL=test@example.com",
	)
	run := func(wantExit int, dir, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		got := 0
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
			}
			got = ee.ExitCode()
		}
		if got != wantExit {
			t.Fatalf("%s %s: exit status %d, want %d\n%s", name, strings.Join(args, " "), got, wantExit, out)
		}
		return string(out)
	}

	// The hook repository: this module's files, committed.
	if err := exec.Command(git, "-C", "..", "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("the module is not in a git work tree: its files are listed with git ls-files")
	}
	hooks := filepath.Join(tmp, "leakfix")
	files := run(0, "..", git, "ls-files", "--cached", "--others", "--exclude-standard", "-z", ".")
	for _, name := range strings.Split(strings.TrimSuffix(files, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join("..", name))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted, not yet committed
		} else if err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(hooks, name), string(data))
	}
	run(0, hooks, git, "init", "-q")
	run(0, hooks, git, "add", "-A")
	run(0, hooks, git, "commit", "-q", "-m", "leakfix as tested")
	rev := strings.TrimSpace(run(0, hooks, git, "rev-parse", "HEAD"))

	// The user's repository, its module in svc.
	repo := filepath.Join(tmp, "repo")
	writeTestFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), `repos:
  - repo: `+hooks+`
    rev: `+rev+`
    hooks:
      - id: leakfix-check
      - id: leakfix
`)
	writeTestFile(t, filepath.Join(repo, "svc", "go.mod"), "module example.com/svc\n\ngo 1.22\n")
	leaky := func(pkg string) string {
		return "package " + pkg + "\n\nimport \"os\"\n\nfunc Name(p string) (string, error) {\n\tf, err := os.Open(p)\n\tif err != nil {\n\t\treturn \"\", err\n\t}\n\treturn f.Name(), nil\n}\n"
	}
	fixed := func(pkg string) string {
		return strings.Replace(leaky(pkg), "\treturn f.Name()", "\tdefer f.Close()\n\treturn f.Name()", 1)
	}
	writeTestFile(t, filepath.Join(repo, "svc", "a", "a.go"), leaky("a"))
	writeTestFile(t, filepath.Join(repo, "svc", "b", "b.go"), leaky("b"))
	run(0, repo, git, "init", "-q")
	run(0, repo, git, "add", ".pre-commit-config.yaml", "svc/go.mod")
	run(0, repo, git, "commit", "-q", "-m", "initial")
	run(0, repo, git, "add", "svc/a/a.go", "svc/b/b.go")

	// leakfix-check names the staged files with leaks, and fails.
	out := run(1, repo, preCommit, "run", "leakfix-check")
	for _, want := range []string{"\nsvc/a/a.go\nsvc/b/b.go\n", "svc/a/a.go:6:12: missing-close: "} {
		if !strings.Contains(out, want) {
			t.Errorf("pre-commit run leakfix-check: output lacks %q:\n%s", want, out)
		}
	}
	checkContent(t, filepath.Join(repo, "svc", "a", "a.go"), leaky("a"))
	checkContent(t, filepath.Join(repo, "svc", "b", "b.go"), leaky("b"))

	// A commit runs both hooks: leakfix fixes the files, and pre-commit
	// fails the commit since files changed.
	run(0, repo, preCommit, "install")
	out = run(1, repo, git, "commit", "-m", "a and b")
	if !strings.Contains(out, "files were modified by this hook") {
		t.Errorf("git commit: pre-commit does not say the leakfix hook changed files:\n%s", out)
	}
	checkContent(t, filepath.Join(repo, "svc", "a", "a.go"), fixed("a"))
	checkContent(t, filepath.Join(repo, "svc", "b", "b.go"), fixed("b"))
	if n := strings.TrimSpace(run(0, repo, git, "rev-list", "--count", "HEAD")); n != "1" {
		t.Errorf("the failed commit made a commit: %s commits", n)
	}

	// With the fixes staged, both hooks pass and the commit is made.
	run(0, repo, git, "add", "svc/a/a.go", "svc/b/b.go")
	run(0, repo, git, "commit", "-q", "-m", "a and b")
	if n := strings.TrimSpace(run(0, repo, git, "rev-list", "--count", "HEAD")); n != "2" {
		t.Errorf("after the fixes: %s commits, want 2", n)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func checkContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Errorf("%s:\n%s\nwant:\n%s", path, got, want)
	}
}
