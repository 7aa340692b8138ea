// Package golangci registers leakfix's analyzers as a golangci-lint module
// plugin (https://golangci-lint.run/plugins/module-plugins/) named
// "leakfix". Build a custom golangci-lint that imports this package
// (build-custom.sh here does it without network access to GitHub), then
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
// Its issues read as the command line's findings do ("missing-close: f
// (file from os.Open) is never closed"), from the linter leakfix.
// golangci-lint applies the suggested fixes with --fix.
package golangci

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/golangci/plugin-module-register/register"
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis"
)

// linterName is the plugin's name, which is also the linter's name in
// .golangci.yml and the name golangci-lint gives every issue of the plugin.
const linterName = "leakfix"

func init() {
	register.Plugin(linterName, New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Enable turns on rules that are off by default, Disable turns rules
	// off, by name.
	Enable  []string `json:"enable"`
	Disable []string `json:"disable"`
}

// New makes the plugin from its settings. golangci-lint puts its own
// "plugin(leakfix): newPlugin" before an error of New; the error itself
// names the setting at fault and the valid ones.
func New(settings any) (register.LinterPlugin, error) {
	s, err := decodeSettings(settings)
	if err != nil {
		return nil, err
	}
	return plugin{rules.Selection{Enable: s.Enable, Disable: s.Disable}}, nil
}

// decodeSettings reads the settings, which golangci-lint hands over as it
// decoded them from .golangci.yml (nil when there are none).
func decodeSettings(settings any) (Settings, error) {
	var s Settings
	if settings == nil {
		return s, nil
	}
	const where = "linters.settings.custom." + linterName + ".settings"
	raw, err := json.Marshal(settings)
	if err != nil {
		return s, fmt.Errorf("%s: %v", where, err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return s, fmt.Errorf("%s must be a map with the keys enable and disable, not %s", where, raw)
	}
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		var names *[]string
		switch key {
		case "enable":
			names = &s.Enable
		case "disable":
			names = &s.Disable
		default:
			return s, fmt.Errorf("%s: unknown setting %q (the settings are enable and disable, lists of rule names as for leakfix --enable and --disable)", where, key)
		}
		if err := json.Unmarshal(fields[key], names); err != nil {
			return s, fmt.Errorf("%s.%s must be a list of rule names, not %s", where, key, fields[key])
		}
		if _, err := rules.Select(*names, nil); err != nil {
			return s, fmt.Errorf("%s.%s: %v", where, key, err)
		}
	}
	return s, nil
}

type plugin struct{ settings rules.Selection }

// BuildAnalyzers returns one analyzer, named as the linter, that runs the
// rules the command line would with the settings for flags (the package's
// .leakfix.yaml may enable and disable rules, and the settings win):
// golangci-lint then shows each diagnostic's message as it is, which
// starts with the rule's name as on the command line, where with an
// analyzer per rule it would put the analyzer's name (missing_close, an
// identifier) before it. A second analyzer reports nothing; its name
// carries the configs that may apply (see configKey).
func (p plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return []*analysis.Analyzer{analyzers.Combined(linterName, p.settings), configKey(config.Digest(dir))}, nil
}

// configKey is an analyzer that reports nothing, named after digest, the
// hash of the .leakfix.yaml files that may apply to the packages of the
// working directory (config.Digest). golangci-lint keys its cache of each
// package's issues by the names of the analyzers that ran
// (pkg/goanalysis's analyzersHashID, v2.15.0), and by nothing of
// .leakfix.yaml: with the digest in a name, a changed config runs the
// rules again instead of replaying the issues the old one gave.
func configKey(digest string) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: linterName + "_config_" + digest[:16],
		Doc:  "keys golangci-lint's cache of leakfix's issues by the .leakfix.yaml files that apply; reports nothing",
		Run:  func(*analysis.Pass) (any, error) { return nil, nil },
	}
}

// GetLoadMode asks for type information: the rules match go/types objects.
func (plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
