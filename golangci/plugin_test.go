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
	for _, tc := range []struct {
		settings any
		want     int
	}{
		{nil, len(rules.Analyzers)},
		{map[string]any{"disable": []any{"missing-close"}}, len(rules.Analyzers) - 1},
	} {
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
