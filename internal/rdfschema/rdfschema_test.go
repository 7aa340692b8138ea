package rdfschema

import "testing"

// The validator must tell an rdjson document from something else, or
// passing tests prove nothing. reviewdog's schema is lax (every field is
// optional, more are allowed); it checks the types and the severities.
func TestValidate(t *testing.T) {
	valid := `{"source": {"name": "x"}, "severity": "WARNING", "diagnostics": [{"message": "m", "location": {"path": "a.go", "range": {"start": {"line": 1, "column": 2}}}, "suggestions": [{"range": {"start": {"line": 1}}, "text": ""}]}]}`
	if err := Validate([]byte(valid)); err != nil {
		t.Errorf("a valid document is invalid: %v", err)
	}
	for _, invalid := range []string{
		`{"severity": "SEVERE"}`,
		`{"diagnostics": {}}`,
		`{"diagnostics": [{"location": {"range": {"start": {"line": "1"}}}}]}`,
		`{"diagnostics": [{"suggestions": [{"text": 1}]}]}`,
		`not json`,
	} {
		if err := Validate([]byte(invalid)); err == nil {
			t.Errorf("accepted: %s", invalid)
		}
	}
}
