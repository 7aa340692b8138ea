// Package rdfschema validates rdjson documents, reviewdog's diagnostic
// format (the JSON of its DiagnosticResult message), against reviewdog's
// JSON schema, for tests.
//
// testdata/DiagnosticResult.json is reviewdog's proto/rdf/jsonschema/DiagnosticResult.json
// at github.com/reviewdog/reviewdog v0.21.0 (MIT License, Copyright (c)
// 2016 haya14busa), vendored since tests run without the network.
package rdfschema

import (
	_ "embed"

	"github.com/leakfix/leakfix/internal/schemacheck"
)

//go:embed testdata/DiagnosticResult.json
var schemaJSON []byte

// The schema has no $id; this is where reviewdog publishes it.
var schema = schemacheck.New("rdjson", "https://raw.githubusercontent.com/reviewdog/reviewdog/v0.21.0/proto/rdf/jsonschema/DiagnosticResult.json", schemaJSON)

// Validate checks that doc is an rdjson document.
func Validate(doc []byte) error { return schema.Validate(doc) }
