package golangci

import (
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/leakfix/leakfix/rules"
)

func TestPlugin(t *testing.T) {
	newPlugin, err := register.GetPlugin("leakfix")
	if err != nil {
		t.Fatal(err)
	}
	// A rule off by default has its analyzer, which runs where
	// .leakfix.yaml or the settings enable it; one the settings disable
	// has none.
	all := len(rules.All())
	type test struct {
		settings any
		want     int // analyzers
	}
	tests := []test{
		{nil, all},
		{map[string]any{"disable": []any{"missing-close"}}, all - 1},
	}
	for _, r := range rules.All() {
		if r.DefaultOff {
			tests = append(tests, test{map[string]any{"enable": []any{r.Name}}, all})
		}
	}
	for _, tc := range tests {
		p, err := newPlugin(tc.settings)
		if err != nil {
			t.Fatalf("%v: %v", tc.settings, err)
		}
		as, err := p.BuildAnalyzers()
		if err != nil || len(as) != tc.want {
			t.Errorf("%v: %d analyzers (%v), want %d", tc.settings, len(as), err, tc.want)
		}
		if p.GetLoadMode() != register.LoadModeTypesInfo {
			t.Errorf("load mode %q", p.GetLoadMode())
		}
	}
	for _, bad := range []any{
		map[string]any{"disable": []any{"no-such-rule"}},
		map[string]any{"colour": "red"},
	} {
		if _, err := newPlugin(bad); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
