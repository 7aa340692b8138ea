package integration

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The module the editors lint: one leak, and the .golangci.yml of the
// README's golangci-lint section.
var editorModule = map[string]string{
	"go.mod": "module example.com/editor\n\ngo 1.22\n",
	".golangci.yml": `version: "2"
linters:
  enable:
    - leakfix
  settings:
    custom:
      leakfix:
        type: module
        description: resource leaks, fixed in place
        settings:
          disable: [] # rule names, as for leakfix --disable; enable: [...] too
`,
	"size/size.go": `package size

import "os"

func Size(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
`,
}

// What the editors show: the leak at size.go:6:12, worded as on the
// command line, from the linter leakfix.
const (
	editorLine, editorColumn = 6, 12
	editorMessage            = "missing-close: f (file from os.Open) is never closed"
)

// The file once fixed, as leakfix -w writes it.
var editorFixed = strings.Replace(editorModule["size/size.go"], "\t}\n\tst, err", "\t}\n\tdefer f.Close()\n\tst, err", 1)

func writeEditorModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range editorModule {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// An editor's diagnostic.
type diagnostic struct {
	File         string // absolute
	Line, Column int    // 1-based
	Message      string
}

func checkDiagnostics(t *testing.T, got []diagnostic, want ...diagnostic) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics\n\t%+v\nwant\n\t%+v", got, want)
	}
}

func checkFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestEditors runs the custom golangci-lint as each editor of the README's
// "Editors" section runs it when a file is saved, and reads its output as
// the editor does: the leak is shown at its place, worded as on the
// command line; with --fix, the file is fixed as leakfix -w fixes it.
func TestEditors(t *testing.T) {
	gcl := golangciLint(t)

	// VS Code's Go extension, "go.lintTool": "golangci-lint-v2", the
	// default "go.lintOnSave": "package": goLint (extension/src/goLint.ts)
	// adds its flags to go.lintFlags and runs the tool in the file's
	// directory; runTool (extension/src/util.ts) reads stdout line by line
	// with its regular expression, and keeps nothing if the tool failed
	// and wrote to stderr.
	vscode := func(t *testing.T, lintFlags ...string) (string, []diagnostic) {
		dir := writeEditorModule(t)
		args := slices.Clone(lintFlags)
		if !slices.Contains(args, "run") {
			args = append([]string{"run"}, args...)
		}
		for _, flag := range []string{"--issues-exit-code=0", "--output.text.print-issued-lines=false", "--show-stats=false", "--output.text.path=stdout", "--path-mode=abs"} {
			if !slices.Contains(args, flag) {
				args = append(args, flag)
			}
		}
		cwd := filepath.Join(dir, "size")
		stdout, stderr := runExit(t, cwd, 0, gcl, args...)
		if stderr != "" {
			t.Logf("stderr (VS Code shows it in its output channel):\n%s", stderr)
		}
		line := regexp.MustCompile(`^([^:]*: )?((.:)?[^:]*):(\d+)(:(\d+)?)?:(?:\w+:)? (.*)$`)
		var diags []diagnostic
		for _, l := range strings.Split(stdout, "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			ln, _ := strconv.Atoi(m[4])
			col, _ := strconv.Atoi(m[6])
			file := m[2]
			if !filepath.IsAbs(file) {
				file = filepath.Join(cwd, file)
			}
			diags = append(diags, diagnostic{file, ln, col, m[7]})
		}
		return dir, diags
	}
	t.Run("vscode", func(t *testing.T) {
		dir, diags := vscode(t)
		file := filepath.Join(dir, "size", "size.go")
		checkDiagnostics(t, diags, diagnostic{file, editorLine, editorColumn, editorMessage + " (leakfix)"})
		checkFile(t, file, editorModule["size/size.go"])
	})
	t.Run("vscode-fix", func(t *testing.T) {
		// "go.lintFlags": ["--fix"]: each save fixes the package.
		dir, diags := vscode(t, "--fix")
		checkDiagnostics(t, diags)
		checkFile(t, filepath.Join(dir, "size", "size.go"), editorFixed)
	})

	// nvim-lint's golangcilint linter (lua/lint/linters/golangcilint.lua)
	// asks "golangci-lint version" which flags to pass: those of v2.1 and
	// later unless the version is 1.x or 2.0.x. It runs in Neovim's
	// working directory (the module's root here) on the buffer's
	// directory, and keeps the issues of the buffer's file from the JSON
	// on stdout: Pos.Filename equal to the file's absolute path.
	t.Run("nvim-lint", func(t *testing.T) {
		version, _ := runExit(t, t.TempDir(), 0, gcl, "version")
		for _, old := range []string{"version v1", "version 1", "version v2.0.", "version 2.0."} {
			if strings.Contains(version, old) {
				t.Fatalf("nvim-lint would take %q for golangci-lint 1.x or 2.0.x", version)
			}
		}
		dir := writeEditorModule(t)
		file := filepath.Join(dir, "size", "size.go")
		stdout, _ := runExit(t, dir, 0, gcl, "run",
			"--output.json.path=stdout",
			"--output.text.path=",
			"--output.tab.path=",
			"--output.html.path=",
			"--output.checkstyle.path=",
			"--output.code-climate.path=",
			"--output.junit-xml.path=",
			"--output.teamcity.path=",
			"--output.sarif.path=",
			"--issues-exit-code=0",
			"--show-stats=false",
			"--path-mode=abs",
			filepath.Dir(file))
		var diags []diagnostic
		for _, is := range parseGolangciJSON(t, stdout) {
			if is.Pos.Filename != file && filepath.Join(dir, is.Pos.Filename) != file {
				continue
			}
			if is.FromLinter != "leakfix" {
				t.Errorf("source %q, want leakfix", is.FromLinter)
			}
			diags = append(diags, diagnostic{file, is.Pos.Line, is.Pos.Column, is.Text})
		}
		checkDiagnostics(t, diags, diagnostic{file, editorLine, editorColumn, editorMessage})
	})

	// Emacs's flycheck-golangci-lint asks "golangci-lint --version" for
	// the major version: 2 and later get checkstyle on stdout and absolute
	// paths. The checker runs in the buffer's directory on ".", with the
	// default flycheck-golangci-lint-deadline, and reads the checkstyle
	// XML (flycheck-parse-checkstyle). An issue fails the run, which
	// flycheck expects of a checker that found something.
	t.Run("flycheck", func(t *testing.T) {
		version, _ := runExit(t, t.TempDir(), 0, gcl, "--version")
		m := regexp.MustCompile(`version ([0-9]+)\.([0-9]+)\.([0-9]+)`).FindStringSubmatch(version)
		major := 0
		if m != nil {
			major, _ = strconv.Atoi(m[1])
		}
		if major < 2 {
			t.Fatalf("flycheck would take %q for golangci-lint 1.x", version)
		}
		dir := writeEditorModule(t)
		file := filepath.Join(dir, "size", "size.go")
		stdout, _ := runExit(t, filepath.Dir(file), 1, gcl, "run", "--output.checkstyle.path=stdout", "--path-mode=abs", "--timeout=1m", ".")
		var doc struct {
			Files []struct {
				Name   string `xml:"name,attr"`
				Errors []struct {
					Line    int    `xml:"line,attr"`
					Column  int    `xml:"column,attr"`
					Message string `xml:"message,attr"`
					Source  string `xml:"source,attr"`
				} `xml:"error"`
			} `xml:"file"`
		}
		if err := xml.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("checkstyle: %v\n%s", err, stdout)
		}
		var diags []diagnostic
		for _, f := range doc.Files {
			for _, e := range f.Errors {
				if e.Source != "leakfix" {
					t.Errorf("source %q, want leakfix", e.Source)
				}
				diags = append(diags, diagnostic{f.Name, e.Line, e.Column, e.Message})
			}
		}
		checkDiagnostics(t, diags, diagnostic{file, editorLine, editorColumn, editorMessage})
	})

	// golangci-lint run --fix, as on the command line or in an editor's
	// fix-on-save task, fixes what leakfix -w fixes.
	t.Run("fix", func(t *testing.T) {
		dir := writeEditorModule(t)
		runExit(t, dir, 0, gcl, "run", "--fix", "./...")
		checkFile(t, filepath.Join(dir, "size", "size.go"), editorFixed)
	})
}
