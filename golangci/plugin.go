// Package golangci registers leakfix's analyzers as a golangci-lint module
// plugin (https://golangci-lint.run/plugins/module-plugins/) named
// "leakfix". Build a custom golangci-lint that imports this package, then
// enable the linter "leakfix"; its settings choose the rules as leakfix's
// --enable and --disable flags do, over .leakfix.yaml's enable and disable:
//
//	linters:
//	  enable: [leakfix]
//	  settings:
//	    custom:
//	      leakfix:
//	        type: module
//	        settings:
//	          disable: [missing-close]
//
// golangci-lint applies the analyzers' suggested fixes with --fix.
package golangci

import (
	"slices"

	"github.com/golangci/plugin-module-register/register"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis"
)

func init() {
	register.Plugin("leakfix", New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Enable turns on rules that are off by default, Disable turns rules
	// off, by name.
	Enable  []string `json:"enable"`
	Disable []string `json:"disable"`
}

// New makes the plugin from its settings.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, err
	}
	if _, err := rules.Select(s.Enable, s.Disable); err != nil {
		return nil, err // an unknown rule
	}
	return plugin{rules.Selection{Enable: s.Enable, Disable: s.Disable}}, nil
}

type plugin struct{ settings rules.Selection }

// BuildAnalyzers returns the analyzers of the rules the settings do not
// disable. Each runs its rule where the command line would with the
// settings for flags: the package's .leakfix.yaml may enable and disable
// rules, and the settings win.
func (p plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	var out []*analysis.Analyzer
	for i, a := range rules.AnalyzersFor(func() rules.Selection { return p.settings }) {
		if !slices.Contains(p.settings.Disable, rules.All()[i].Name) {
			out = append(out, a)
		}
	}
	return out, nil
}

// GetLoadMode asks for type information: the rules match go/types objects.
func (plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
