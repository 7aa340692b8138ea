package dependencies

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"
)

// Only the bodies a summary of the called functions can depend on are
// kept: theirs, and those of the functions of the package they call, by
// name, transitively.
func TestPruneBodies(t *testing.T) {
	const src = `package p

func (c *Client) OpenFile(path string) (*File, error) { return c.open(path) }
func (c *Client) open(path string) (*File, error)    { return newFile(path), nil }
func newFile(path string) *File                       { return &File{path: path} }
func (c *Client) Remove(path string) error            { return c.send(path) }
func (c *Client) send(string) error                   { return nil }
func unrelated()                                      { println() }
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	kept := pruneBodies([]*ast.File{f}, map[string]bool{"OpenFile": true})
	var withBody []string
	for _, d := range f.Decls {
		if fd := d.(*ast.FuncDecl); fd.Body != nil {
			withBody = append(withBody, fd.Name.Name)
		}
	}
	if want := []string{"OpenFile", "open", "newFile"}; !slices.Equal(withBody, want) || kept != len(want) {
		t.Errorf("kept the bodies of %v (%d), want %v", withBody, kept, want)
	}
}

// A cache entry covers the names it was learned for, and no others.
func TestCovers(t *testing.T) {
	covered := []string{"Create", "OpenFile"}
	if !covers(covered, map[string]bool{"OpenFile": true}) {
		t.Error("OpenFile is covered")
	}
	if covers(covered, map[string]bool{"OpenFile": true, "Remove": true}) {
		t.Error("Remove is not covered")
	}
}
