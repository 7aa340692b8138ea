// Package cases lays out a rule's golden cases (testdata/<rule>/) as one Go
// module, so that every entry point's test (the command line, go vet, the
// analyzers under analysistest, JSON, SARIF, the pre-commit hooks) runs on
// the very same packages.
//
// In testdata/<rule>/, each NAME.go is a package of its own, NAME; each
// subdirectory holds a case that spans packages, copied as it is, whose
// packages import each other as ModulePath/<subdirectory>/<package>. Beside
// any case file, FILE.go.golden is the file fixed; a file without one must
// not change. Lines that expect a finding say so with `// want "regexp"`,
// matched against the finding's text (rules.Finding.Text), as analysistest
// does. Modules the cases depend on are in _deps (see depsDir).
package cases

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the path of the module the cases are laid out in.
const ModulePath = "example.com/cases"

// A File is one case file, as laid out in the module.
type File struct {
	Source string // the file in testdata
	Path   string // the file in the module (absolute)
	// Golden is the fixed file in testdata, or "" when the file must not
	// change.
	Golden string
}

// Layout writes the module of the cases in ruleDir under dir: go.mod, the
// case files and, beside them, their .golden files (analysistest looks for
// them there). The cases of several rules may share one module, as long as
// no two of their files land on the same path, which is an error.
func Layout(dir, ruleDir string) ([]File, error) {
	gomod := filepath.Join(dir, "go.mod")
	if _, err := os.Stat(gomod); err != nil {
		if err := write(gomod, []byte("module "+ModulePath+"\n\ngo 1.26\n")); err != nil {
			return nil, err
		}
	}
	var files []File
	err := filepath.WalkDir(ruleDir, func(src string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(ruleDir, src)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, depsDir+string(filepath.Separator)) {
			return addDependency(dir, gomod, src, rel)
		}
		if !strings.HasSuffix(src, ".go") {
			return nil
		}
		if filepath.Dir(rel) == "." {
			// A single-file case is a package of its own.
			name := strings.TrimSuffix(rel, ".go")
			rel = filepath.Join(name, rel)
		}
		f := File{Source: src, Path: filepath.Join(dir, rel)}
		if _, err := os.Stat(f.Path); err == nil {
			return fmt.Errorf("%s: %s is laid out already, from another rule's cases", src, rel)
		}
		if _, err := os.Stat(src + ".golden"); err == nil {
			f.Golden = src + ".golden"
		}
		for from, to := range map[string]string{f.Source: f.Path, f.Golden: f.Path + ".golden"} {
			if from == "" {
				continue
			}
			content, err := os.ReadFile(from)
			if err != nil {
				return err
			}
			if err := write(to, content); err != nil {
				return err
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no cases in %s", ruleDir)
	}
	return files, nil
}

// depsDir holds, in a rule's cases, modules the cases depend on, each in
// _deps/<module path>/ with its go.mod: a third-party module whose
// packages are not loaded from source, required and replaced by the
// directory in the cases' go.mod. (The go command ignores directories
// that begin with "_", so ./... leaves them out.)
const depsDir = "_deps"

// addDependency copies the file src of a dependency module to rel in dir,
// and for its go.mod requires and replaces the module in gomod.
func addDependency(dir, gomod, src, rel string) error {
	content, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := write(filepath.Join(dir, rel), content); err != nil {
		return err
	}
	if filepath.Base(rel) != "go.mod" {
		return nil
	}
	first, _, _ := strings.Cut(string(content), "\n")
	mod, ok := strings.CutPrefix(first, "module ")
	if !ok {
		return fmt.Errorf("%s: the first line must be the module's", src)
	}
	main, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	main = fmt.Appendf(main, "\nrequire %s v0.0.0\n\nreplace %s => ./%s\n", mod, mod, filepath.ToSlash(filepath.Dir(rel)))
	return os.WriteFile(gomod, main, 0o644)
}

// WriteFiles writes files, by slash-separated path under dir, making the
// directories they need: the small modules tests write beside the cases.
func WriteFiles(dir string, files map[string]string) error {
	for name, content := range files {
		if err := write(filepath.Join(dir, filepath.FromSlash(name)), []byte(content)); err != nil {
			return err
		}
	}
	return nil
}

func write(name string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, content, 0o644)
}
