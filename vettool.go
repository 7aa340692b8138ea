package main

import (
	"flag"
	"strings"
	"sync"

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

// vetFlags is the selection that go vet's -NAME flags make, once they are
// parsed: -NAME (or -NAME=true) enables a rule, -NAME=false disables it,
// over the package's .leakfix.yaml, as --enable and --disable do.
var vetFlags = sync.OnceValue(func() rules.Selection {
	byAnalyzer := map[string]string{}
	for _, r := range rules.All() {
		byAnalyzer[rules.AnalyzerName(r)] = r.Name
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
