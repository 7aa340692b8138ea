package sarifschema

import (
	"strings"
	"testing"
)

// The validator must tell a SARIF log from something else, or passing
// tests prove nothing.
func TestValidate(t *testing.T) {
	valid := `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}`
	if err := Validate([]byte(valid)); err != nil {
		t.Errorf("a minimal log is invalid: %v", err)
	}
	for _, invalid := range []string{
		`{"version": "2.0.0", "runs": []}`,
		`{"version": "2.1.0", "runs": [{"results": []}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}]}`,
	} {
		if err := Validate([]byte(invalid)); err == nil {
			t.Errorf("accepted: %s", strings.TrimSpace(invalid))
		}
	}
}
