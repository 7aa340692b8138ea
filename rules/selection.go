package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakfix/leakfix/config"
)

// A Selection chooses rules by name, as the command line's --enable and
// --disable do: Enable turns rules on (those off by default too), Disable
// turns them off.
type Selection struct {
	Enable, Disable []string
}

// Rules returns the rules s selects from the defaults.
func (s Selection) Rules() ([]*Rule, error) { return Select(s.Enable, s.Disable) }

// ForConfig returns the rules to run where cfg applies: the defaults, with
// cfg's enable and disable applied, then s's, which win: a rule the file
// disables runs when s enables it, and the reverse. A name cfg does not
// know is an error at its position in the file.
func (s Selection) ForConfig(cfg *config.Config) ([]*Rule, error) {
	if err := CheckNames(cfg); err != nil {
		return nil, err
	}
	var out []*Rule
	for _, r := range All() {
		if s.Runs(r, cfg) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Runs reports whether r runs where cfg applies (its names checked).
func (s Selection) Runs(r *Rule, cfg *config.Config) bool {
	switch {
	case slices.Contains(s.Disable, r.Name):
		return false
	case slices.Contains(s.Enable, r.Name):
		return true
	}
	return ByConfig(r, cfg, !r.DefaultOff)
}

// ByConfig reports whether r runs where cfg applies, when it would run
// (otherwise) without a config.
func ByConfig(r *Rule, cfg *config.Config, otherwise bool) bool {
	named := func(names []config.Name) bool {
		return slices.ContainsFunc(names, func(n config.Name) bool { return n.Name == r.Name })
	}
	switch {
	case named(cfg.Disable):
		return false
	case named(cfg.Enable):
		return true
	}
	return otherwise
}

// CheckNames checks that every rule name in cfg names a rule; the error
// lists each that does not.
func CheckNames(cfg *config.Config) error {
	names := slices.Concat(cfg.Enable, cfg.Disable)
	for _, e := range cfg.Exclusions {
		names = append(names, e.Rules...)
	}
	var errs config.Errors
	for _, n := range names {
		if _, ok := Lookup(n.Name); !ok {
			errs = append(errs, cfg.Errorf(n.Pos, "unknown rule %q (rules: %s)", n.Name, Names(All())))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Names lists the rules' names, for messages.
func Names(rs []*Rule) string {
	if len(rs) == 0 {
		return "(none)"
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

// unknownRule is the error of a name that is no rule's.
func unknownRule(name string) error {
	return fmt.Errorf("unknown rule %q (rules: %s)", name, Names(All()))
}
