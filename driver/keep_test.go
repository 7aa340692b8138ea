package driver

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// Options.Keep decides before anything is fixed: a finding it drops is
// neither reported nor fixed, in a file whose other finding is kept and
// fixed. It is asked about the file on disk and the line there, whatever
// //line directives say.
func TestKeep(t *testing.T) {
	const src = `package p

import "os"

func Old(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}

//line generated.y:100
func New(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}
`
	dir := writeModule(t, map[string]string{"p/p.go": src})
	file := filepath.Join(dir, "p", "p.go")
	run := func(keep int) (*Result, []int) {
		t.Helper()
		var asked []int
		res, err := Run(Options{
			Load:  load.Config{Tests: true},
			Args:  []string{"./..."},
			Rules: rules.All(),
			Keep: func(path string, line int) bool {
				if path != file {
					t.Errorf("Keep asked about %s, want %s", path, file)
				}
				asked = append(asked, line)
				return line == keep
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(asked)
		return res, asked
	}

	res, asked := run(6)
	if !slices.Equal(asked, []int{6, 15}) {
		t.Errorf("Keep asked about lines %v, want 6 and 15 (New's on disk, generated.y:101 by its directive)", asked)
	}
	if len(res.Findings) != 1 || res.Findings[0].Position.Line != 6 || !res.Findings[0].Fixed() || len(res.Changes) != 1 {
		t.Fatalf("findings %+v, %d changes; want Old's, fixed", res.Findings, len(res.Changes))
	}
	fixed := res.Changes[0].New
	if n := bytes.Count(fixed, []byte("defer f.Close()")); n != 1 || bytes.Index(fixed, []byte("defer f.Close()")) > bytes.Index(fixed, []byte("func New")) {
		t.Errorf("want Old fixed alone:\n%s", fixed)
	}

	res, _ = run(15)
	if len(res.Findings) != 1 || filepath.Base(res.Findings[0].Position.Filename) != "generated.y" || res.Findings[0].Position.Line != 101 {
		t.Fatalf("findings %+v; want New's, at generated.y:101", res.Findings)
	}
}
