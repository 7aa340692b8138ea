package changed

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAddedLines(t *testing.T) {
	patch := `diff --git a/a.go b/a.go
index 1..2 100644
--- a/a.go
+++ b/a.go
@@ -3 +3 @@ func f() {
-	old()
+	new()
@@ -10,0 +11,2 @@
+++ x, an added line that looks like a header
+--- and another
@@ -20,2 +22,0 @@
-	gone()
-	gone()
@@ -30,3 +30,4 @@
-	a()
+	b()
 	kept between close hunks
 	and another
+	c()
diff --git a/dir/with space.go b/dir/with space.go
--- a/dir/with space.go	
+++ b/dir/with space.go	
@@ -1 +1 @@
-package p
\ No newline at end of file
+package q
\ No newline at end of file
diff --git "a/caf\303\251.go" "b/caf\303\251.go"
new file mode 100644
--- /dev/null
+++ "b/caf\303\251.go"
@@ -0,0 +1,2 @@
+package p
+
diff --git a/deleted.go b/deleted.go
deleted file mode 100644
--- a/deleted.go
+++ /dev/null
@@ -1 +0,0 @@
-package p
diff --git a/logo.png b/logo.png
Binary files a/logo.png and b/logo.png differ
`
	got, err := addedLines([]byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"a.go":              {3, 11, 12, 30, 33},
		"dir/with space.go": {1},
		"café.go":           {1, 2},
	}
	if len(got) != len(want) {
		t.Errorf("files %q, want %q", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for file, lines := range want {
		if g := slices.Sorted(maps.Keys(got[file])); !slices.Equal(g, lines) {
			t.Errorf("%s: lines %v, want %v", file, g, lines)
		}
	}

	for name, bad := range map[string]string{
		"cut short":  "+++ b/a.go\n@@ -1,2 +1,2 @@\n-a\n",
		"no file":    "@@ -1 +1 @@\n-a\n+b\n",
		"bad header": "+++ b/a.go\n@@ -x +1 @@\n",
		"no prefix":  "+++ a.go\n@@ -1 +1 @@\n-a\n+b\n",
		"unmerged":   "diff --cc a.go\n",
		"stray line": "+++ b/a.go\n@@ -1 +1 @@\n-a\nb\n",
	} {
		if _, err := addedLines([]byte(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// gitRepo makes a repository at dir with git's user and system settings
// left out.
func gitRepo(t *testing.T) (dir string, run func(args ...string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.DevNull,
		"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
		"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
	} {
		t.Setenv(k, v)
	}
	dir = t.TempDir()
	run = func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("init", "-q")
	return dir, run
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Since, from a subdirectory and through a symbolic link, with settings
// that change what git diff prints: the lines changed in the work tree
// (committed, staged or not), the whole of untracked files, none of
// ignored ones, none outside the work tree.
func TestSince(t *testing.T) {
	dir, git := gitRepo(t)
	write(t, filepath.Join(dir, "p", "a.go"), "package p\n\nfunc a() {}\n\nfunc b() {}\n\nfunc c() {}\n")
	write(t, filepath.Join(dir, "p", "b.go"), "package p\n")
	write(t, filepath.Join(dir, ".gitignore"), "ignored.go\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	git("tag", "base")
	for _, kv := range [][2]string{
		{"diff.noprefix", "true"}, {"diff.mnemonicPrefix", "true"}, {"diff.relative", "true"},
		{"color.ui", "always"}, {"diff.interHunkContext", "10"}, {"core.quotePath", "true"},
	} {
		git("config", kv[0], kv[1])
	}
	write(t, filepath.Join(dir, "p", "a.go"), "package p\n\nfunc a() { x() }\n\nfunc b() {}\n\nfunc c() {}\nfunc d() {}\n")
	git("commit", "-q", "-a", "-m", "change a")
	write(t, filepath.Join(dir, "p", "b.go"), "package p\n\nvar staged = 1\n")
	git("add", "p/b.go")
	write(t, filepath.Join(dir, "p", "new.go"), "package p\n\nvar untracked = 1\n")
	write(t, filepath.Join(dir, "p", "ignored.go"), "package p\n")

	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	lines, err := Since(filepath.Join(link, "p"), "base")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		line int
		want bool
	}{
		{"p/a.go", 1, false},
		{"p/a.go", 3, true},
		{"p/a.go", 5, false}, // between two hunks, shown as context
		{"p/a.go", 7, false},
		{"p/a.go", 8, true},
		{"p/b.go", 1, false},
		{"p/b.go", 3, true},
		{"p/new.go", 1, true},
		{"p/new.go", 3, true},
		{"p/ignored.go", 1, false},
	} {
		for _, root := range []string{dir, link} {
			path := filepath.Join(root, filepath.FromSlash(c.file))
			if got := lines.Has(path, c.line); got != c.want {
				t.Errorf("Has(%s, %d) = %v, want %v", path, c.line, got, c.want)
			}
		}
	}
	if lines.Has(filepath.Join(filepath.Dir(dir), "elsewhere.go"), 1) {
		t.Error("a file outside the work tree has changed lines")
	}
}

// Errors are git's, naming the command: no work tree, no such revision;
// a revision git would take for an option is refused.
func TestSinceErrors(t *testing.T) {
	dir, git := gitRepo(t)
	write(t, filepath.Join(dir, "a.go"), "package p\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	for _, c := range []struct{ dir, rev, want string }{
		{dir, "nosuch", "git diff: fatal: bad revision 'nosuch'"},
		{dir, "--output=x", `"--output=x" is not a revision`},
		{dir, "", `"" is not a revision`},
		{t.TempDir(), "HEAD", "git rev-parse: fatal: not a git repository"},
	} {
		_, err := Since(c.dir, c.rev)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Since(%s, %q): %v, want %s", c.dir, c.rev, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("git took the revision for an option")
	}
}
