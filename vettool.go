package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/rules"
)

// invokedByGoCommand reports whether the go command runs leakfix as its
// analysis tool, "go vet -vettool=leakfix" or "go fix -fixtool=leakfix",
// by the unitchecker protocol (golang.org/x/tools/go/analysis/unitchecker):
// it asks "-V=full" for a build ID and "-flags" for the flags it may pass
// on, then runs "leakfix [flags] unit.cfg" once per package. Neither is a
// command line a person types to leakfix.
func invokedByGoCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch first := args[0]; {
	case first == "-flags", first == "-V", strings.HasPrefix(first, "-V="):
		return true
	}
	return strings.HasSuffix(args[len(args)-1], ".cfg")
}

// writeToolID answers the go command's -V=full as unitchecker does, but
// for the build ID, which hashes the executable (as unitchecker's does)
// and the .leakfix.yaml files that may apply to the packages of the go
// command's working directory (config.Digest). The go command keys the
// cached results of go vet and go fix by this ID, findings and fixes
// included: with the configs in it, a changed config runs the analysis
// again instead of replaying what the old one found.
func writeToolID(w io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "\nconfigs %s\n", config.Digest(dir))
	// The format the go command parses (cmd/go/internal/work.toolID): a
	// "devel" version, then the ID as the last field.
	_, err = fmt.Fprintf(w, "%s version devel comments-go-here buildID=%02x\n", exe, h.Sum(nil))
	return err
}

// vetFlags is the selection that go vet's -NAME flags make, once they are
// parsed: -NAME (or -NAME=true) enables a rule, -NAME=false disables it,
// over the package's .leakfix.yaml, as --enable and --disable do.
var vetFlags = sync.OnceValue(func() rules.Selection {
	byAnalyzer := map[string]string{}
	for _, r := range rules.All() {
		byAnalyzer[analyzers.Name(r)] = r.Name
	}
	var s rules.Selection
	flag.Visit(func(f *flag.Flag) {
		name, ok := byAnalyzer[f.Name]
		if !ok {
			return
		}
		if g, ok := f.Value.(flag.Getter); ok && g.Get() == true {
			s.Enable = append(s.Enable, name)
		} else {
			s.Disable = append(s.Disable, name)
		}
	})
	return s
})
