// Package schemacheck validates JSON documents against a JSON schema that a
// test vendors, for tests: the schema is compiled once, on first use.
package schemacheck

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// A Schema is a JSON schema known by its URL.
type Schema struct {
	name     string
	compiled func() (*jsonschema.Schema, error)
}

// New returns the schema doc, which other documents know as url; name
// says what it describes, in errors.
func New(name, url string, doc []byte) *Schema {
	return &Schema{name: name, compiled: sync.OnceValues(func() (*jsonschema.Schema, error) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			return nil, err
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat() // URIs must be URIs, too
		if err := c.AddResource(url, v); err != nil {
			return nil, err
		}
		return c.Compile(url)
	})}
}

// Validate checks that data is a document the schema describes.
func (s *Schema) Validate(data []byte) error {
	schema, err := s.compiled()
	if err != nil {
		return fmt.Errorf("compiling the %s schema: %v", s.name, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	return schema.Validate(v)
}
