// Package golangci registers leakfix's analyzers as a golangci-lint module
// plugin (https://golangci-lint.run/plugins/module-plugins/) named
// "leakfix". Build a custom golangci-lint that imports this package, then
// enable the linter "leakfix"; its settings choose the rules as leakfix's
// --enable and --disable flags do:
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
	rs, err := rules.Select(s.Enable, s.Disable)
	if err != nil {
		return nil, err
	}
	return plugin{rs}, nil
}

type plugin struct{ rules []*rules.Rule }

// BuildAnalyzers returns the analyzers of the selected rules, those whose
// fixes edit only the finding's file, as golangci-lint's --fix needs.
func (p plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	var out []*analysis.Analyzer
	for _, r := range p.rules {
		out = append(out, rules.FileLocalAnalyzerOf(r))
	}
	return out, nil
}

// GetLoadMode asks for type information: the rules match go/types objects.
func (plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
