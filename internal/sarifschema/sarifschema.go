// Package sarifschema validates SARIF logs against the SARIF 2.1.0 JSON
// schema, for tests.
//
// testdata/sarif-schema-2.1.0.json is the OASIS schema, errata01
// ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"),
// vendored since tests run without the network: the copy that
// github.com/securego/gosec/v2 v2.30.0 ships in report/sarif/testdata.
package sarifschema

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/sarif-schema-2.1.0.json
var schemaJSON []byte

const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // URIs must be URIs, too
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// Validate checks that log is a SARIF 2.1.0 log.
func Validate(log []byte) error {
	schema, err := compiled()
	if err != nil {
		return fmt.Errorf("compiling the SARIF schema: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	return schema.Validate(v)
}
