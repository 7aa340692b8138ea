// Package sarifschema validates SARIF logs against the SARIF 2.1.0 JSON
// schema, for tests.
//
// testdata/sarif-schema-2.1.0.json is the OASIS schema, errata01
// ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"),
// vendored since tests run without the network: the copy that
// github.com/securego/gosec/v2 v2.30.0 ships in report/sarif/testdata.
package sarifschema

import (
	_ "embed"

	"github.com/leakfix/leakfix/internal/schemacheck"
)

//go:embed testdata/sarif-schema-2.1.0.json
var schemaJSON []byte

var schema = schemacheck.New("SARIF", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", schemaJSON)

// Validate checks that log is a SARIF 2.1.0 log.
func Validate(log []byte) error { return schema.Validate(log) }
