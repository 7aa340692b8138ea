package diff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnifiedEqual(t *testing.T) {
	if got := Unified("x.go", []byte("a\nb\n"), []byte("a\nb\n")); got != "" {
		t.Errorf("Unified of equal contents = %q, want empty", got)
	}
	if got := Unified("x.go", nil, []byte{}); got != "" {
		t.Errorf("Unified of two empty contents = %q, want empty", got)
	}
}

func TestUnifiedGolden(t *testing.T) {
	old := "package p\n\nimport \"os\"\n\nfunc f() {\n\tf, _ := os.Open(\"x\")\n\t_ = f\n}\n"
	new := "package p\n\nimport \"os\"\n\nfunc f() {\n\tf, _ := os.Open(\"x\")\n\tdefer f.Close()\n\t_ = f\n}\n"
	want := `diff --git a/pkg/x.go b/pkg/x.go
--- a/pkg/x.go
+++ b/pkg/x.go
@@ -4,5 +4,6 @@
 
 func f() {
 	f, _ := os.Open("x")
+	defer f.Close()
 	_ = f
 }
`
	if got := Unified("pkg/x.go", []byte(old), []byte(new)); got != want {
		t.Errorf("Unified mismatch\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnifiedNoNewlineAtEOF(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{
			name: "both lack newline",
			old:  "a\nb\nc",
			new:  "a\nb\nd",
			want: "diff --git a/f.go b/f.go\n--- a/f.go\n+++ b/f.go\n@@ -1,3 +1,3 @@\n a\n b\n-c\n\\ No newline at end of file\n+d\n\\ No newline at end of file\n",
		},
		{
			name: "newline added",
			old:  "a\nb",
			new:  "a\nb\n",
			want: "diff --git a/f.go b/f.go\n--- a/f.go\n+++ b/f.go\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
		{
			name: "newline removed",
			old:  "a\nb\n",
			new:  "a\nb",
			want: "diff --git a/f.go b/f.go\n--- a/f.go\n+++ b/f.go\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
		},
		{
			name: "unchanged last line without newline as context",
			old:  "a\nb\nc",
			new:  "A\nb\nc",
			want: "diff --git a/f.go b/f.go\n--- a/f.go\n+++ b/f.go\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n\\ No newline at end of file\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified("f.go", []byte(tt.old), []byte(tt.new)); got != tt.want {
				t.Errorf("Unified mismatch\ngot:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestUnifiedCRLF(t *testing.T) {
	old := "package p\r\n\r\nfunc f() {\r\n}\r\n"
	new := "package p\r\n\r\nfunc f() {\r\n\tg()\r\n}\r\n"
	want := "diff --git a/f.go b/f.go\n--- a/f.go\n+++ b/f.go\n@@ -1,4 +1,5 @@\n package p\r\n \r\n func f() {\r\n+\tg()\r\n }\r\n"
	if got := Unified("f.go", []byte(old), []byte(new)); got != want {
		t.Errorf("Unified mismatch\ngot:  %q\nwant: %q", got, want)
	}
}

// applyCases are applied with git apply and patch -p1 by TestApply.
var applyCases = []struct {
	name     string
	file     string
	old, new string
}{
	{
		name: "insertion",
		file: "x.go",
		old:  "package p\n\nimport \"os\"\n\nfunc f() {\n\tf, _ := os.Open(\"x\")\n\t_ = f\n}\n",
		new:  "package p\n\nimport \"os\"\n\nfunc f() {\n\tf, _ := os.Open(\"x\")\n\tdefer f.Close()\n\t_ = f\n}\n",
	},
	{
		name: "subdirectory and several hunks",
		file: "sub/dir/y.go",
		old:  manyLines(40, nil),
		new:  manyLines(40, map[int]string{2: "changed 2\n", 20: "changed 20\nextra\n", 39: ""}),
	},
	{
		name: "no newline at EOF, both",
		file: "z.go",
		old:  "a\nb\nc",
		new:  "a\nB\nc",
	},
	{
		name: "no newline at EOF, changed",
		file: "z.go",
		old:  "a\nb\nc",
		new:  "a\nb\nd",
	},
	{
		name: "newline added at EOF",
		file: "z.go",
		old:  "a\nb",
		new:  "a\nb\nc\n",
	},
	{
		name: "newline removed at EOF",
		file: "z.go",
		old:  "a\nb\nc\n",
		new:  "a\nb",
	},
	{
		name: "CRLF",
		file: "w.go",
		old:  "package p\r\n\r\nfunc f() {\r\n}\r\n",
		new:  "package p\r\n\r\nfunc f() {\r\n\tg()\r\n}\r\n",
	},
	{
		name: "CRLF without final newline",
		file: "w.go",
		old:  "package p\r\n\r\nfunc f() {\r\n}",
		new:  "package p\r\n\r\nfunc f() {\r\n\tg()\r\n}",
	},
	{
		name: "name with spaces",
		file: "my dir/f g.go",
		old:  "a\nb\n",
		new:  "a\nc\n",
	},
	{
		name: "name with quote, backslash and tab",
		file: "odd/q\"uo\\te\tx.go",
		old:  "a\nb\n",
		new:  "a\nc\n",
	},
	{
		name: "non-ASCII name",
		file: "häagen/dazs.go",
		old:  "a\nb\n",
		new:  "a\nc\n",
	},
	{
		name: "whole content replaced",
		file: "v.go",
		old:  "one\n",
		new:  "two\nthree\n",
	},
	{
		name: "lines starting with diff markers",
		file: "m.go",
		old:  "x\n-- a\n++ b\n@@ c\n",
		new:  "x\n--- a\n+++ b\n@@ c\ny\n",
	},
}

func TestQuoteName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a/x.go", "a/x.go"},
		{"a/häagen.go", "a/häagen.go"},
		{"a/my dir/x.go", `"a/my dir/x.go"`},
		{"a/q\"\\.go", `"a/q\"\\.go"`},
		{"a/t\tn\nr\r\x01\x7f.go", `"a/t\tn\nr\r\001\177.go"`},
	}
	for _, tt := range tests {
		if got := quoteName(tt.in); got != tt.want {
			t.Errorf("quoteName(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	got := Unified("my dir/x.go", []byte("a\n"), []byte("b\n"))
	if want := "diff --git \"a/my dir/x.go\" \"b/my dir/x.go\"\n--- \"a/my dir/x.go\"\n+++ \"b/my dir/x.go\"\n"; !strings.HasPrefix(got, want) {
		t.Errorf("Unified headers = %q, want prefix %q", got, want)
	}
}

func manyLines(n int, change map[int]string) string {
	var b strings.Builder
	for i := range n {
		if s, ok := change[i]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteString("line ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("\n")
	}
	return b.String()
}

// TestApply checks that the output of Unified is accepted by git apply and
// by patch -p1, and that applying it turns old into new.
func TestApply(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not found on PATH")
	}
	patch, patchErr := exec.LookPath("patch")
	for _, tc := range applyCases {
		t.Run(tc.name, func(t *testing.T) {
			d := Unified(tc.file, []byte(tc.old), []byte(tc.new))
			if d == "" {
				t.Fatal("Unified returned empty diff")
			}

			t.Run("git apply", func(t *testing.T) {
				dir := t.TempDir()
				run(t, dir, "", git, "init", "-q")
				writeFile(t, filepath.Join(dir, filepath.FromSlash(tc.file)), tc.old)
				run(t, dir, d, git, "apply", "--verbose", "-")
				checkFile(t, filepath.Join(dir, filepath.FromSlash(tc.file)), tc.new)
			})

			t.Run("patch -p1", func(t *testing.T) {
				if patchErr != nil {
					t.Skip("patch not found on PATH")
				}
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, filepath.FromSlash(tc.file)), tc.old)
				run(t, dir, d, patch, "-p1", "--batch", "--forward", "--no-backup-if-mismatch")
				checkFile(t, filepath.Join(dir, filepath.FromSlash(tc.file)), tc.new)
			})
		})
	}
}

// TestApplyRandom applies, in one go, the diffs of many randomly generated
// file pairs (including missing final newlines, CRLF lines and empty files)
// with git apply and patch -p1.
func TestApplyRandom(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not found on PATH")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	randomFile := func() string {
		pool := []string{"a", "b", "c", "", "}", "\tx := 1", "-- d", "+ e", "f\r"}
		var b strings.Builder
		n := rng.IntN(30)
		for i := range n {
			b.WriteString(pool[rng.IntN(len(pool))])
			if i < n-1 || rng.IntN(3) > 0 {
				b.WriteByte('\n')
			}
		}
		return b.String()
	}
	type pair struct{ file, old, new string }
	var pairs []pair
	var all strings.Builder
	for i := range 200 {
		old := randomFile()
		new := old
		if rng.IntN(4) > 0 {
			new = randomFile()
		} else if len(old) > 0 {
			// Small modification of old.
			lines := strings.SplitAfter(old, "\n")
			lines[rng.IntN(len(lines))] = "changed\n"
			new = strings.Join(lines, "")
		}
		if old == new || old == "" || new == "" {
			// Creation and deletion of files are not diffs leakfix makes.
			continue
		}
		p := pair{fmt.Sprintf("d%d/f%d.go", i%5, i), old, new}
		pairs = append(pairs, p)
		all.WriteString(Unified(p.file, []byte(p.old), []byte(p.new)))
	}
	t.Logf("%d file pairs", len(pairs))
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		for _, p := range pairs {
			writeFile(t, filepath.Join(dir, filepath.FromSlash(p.file)), p.old)
		}
		return dir
	}
	check := func(t *testing.T, dir string) {
		for _, p := range pairs {
			checkFile(t, filepath.Join(dir, filepath.FromSlash(p.file)), p.new)
		}
	}
	t.Run("git apply", func(t *testing.T) {
		dir := setup(t)
		run(t, dir, "", git, "init", "-q")
		run(t, dir, all.String(), git, "apply", "-")
		check(t, dir)
	})
	t.Run("patch -p1", func(t *testing.T) {
		patch, err := exec.LookPath("patch")
		if err != nil {
			t.Skip("patch not found on PATH")
		}
		dir := setup(t)
		run(t, dir, all.String(), patch, "-p1", "--batch", "--forward", "--no-backup-if-mismatch")
		check(t, dir)
	})
}

func run(t *testing.T, dir, stdin, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	// Keep git away from the user's and system configuration.
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s\npatch was:\n%s", name, strings.Join(args, " "), err, out, stdin)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func checkFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Errorf("after applying the diff, %s =\n%q\nwant\n%q", path, got, want)
	}
}

func TestColorize(t *testing.T) {
	in := "--- a/m.go\n+++ b/m.go\n@@ -1,3 +1,3 @@\n x\n--- a\n+++ b\n c\n\\ No newline at end of file\n" +
		"--- a/n.go\n+++ b/n.go\n@@ -1 +1 @@\n-old\n+new\n"
	want := "\x1b[1m--- a/m.go\x1b[0m\n" +
		"\x1b[1m+++ b/m.go\x1b[0m\n" +
		"\x1b[36m@@ -1,3 +1,3 @@\x1b[0m\n" +
		" x\n" +
		"\x1b[31m--- a\x1b[0m\n" +
		"\x1b[32m+++ b\x1b[0m\n" +
		" c\n" +
		"\\ No newline at end of file\n" +
		"\x1b[1m--- a/n.go\x1b[0m\n" +
		"\x1b[1m+++ b/n.go\x1b[0m\n" +
		"\x1b[36m@@ -1 +1 @@\x1b[0m\n" +
		"\x1b[31m-old\x1b[0m\n" +
		"\x1b[32m+new\x1b[0m\n"
	if got := Colorize(in); got != want {
		t.Errorf("Colorize mismatch\ngot:  %q\nwant: %q", got, want)
	}
	if got := Colorize(""); got != "" {
		t.Errorf("Colorize(\"\") = %q", got)
	}

	// Colorize of real Unified output: stripping the escapes gives back the input.
	d := Unified("x.go", []byte(applyCases[1].old), []byte(applyCases[1].new))
	c := Colorize(d)
	if c == d {
		t.Error("Colorize did not add any colour")
	}
	stripped := strings.NewReplacer(ansiReset, "", ansiBold, "", ansiRed, "", ansiGreen, "", ansiCyan, "").Replace(c)
	if stripped != d {
		t.Errorf("Colorize changed the text of the diff:\n%s\nvs\n%s", stripped, d)
	}
}

func TestShouldColor(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")
	if !ShouldColor("always", f) {
		t.Error(`ShouldColor("always", file) = false`)
	}
	if ShouldColor("never", f) {
		t.Error(`ShouldColor("never", file) = true`)
	}
	if ShouldColor("auto", f) {
		t.Error(`ShouldColor("auto", regular file) = true`)
	}
	if ShouldColor("auto", nil) {
		t.Error(`ShouldColor("auto", nil) = true`)
	}
	if ShouldColor("bogus", f) {
		t.Error(`ShouldColor("bogus", file) = true`)
	}
	t.Setenv("NO_COLOR", "1")
	if !ShouldColor("always", f) {
		t.Error(`ShouldColor("always") with NO_COLOR set = false`)
	}
}
