// Package fix applies fixes to a Go file: each fix edits the file's
// decorated syntax tree (github.com/dave/dst), and only what the fixes
// changed is carried back onto the original text, so that every other byte
// of the file stays as it was.
package fix

import (
	"fmt"
	"go/ast"
	"go/types"
	"path"
	"slices"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// An Editor gives a fix access to the decorated form of one file.
//
// Fixes locate what they change through the go/ast nodes the rule matched,
// and edit their dst counterparts, so that comments stay attached to the
// code around them.
type Editor struct {
	file0   *File
	astFile *ast.File
	dec     *decorator.Decorator
	file    *dst.File
	imports []Import
}

// An Import is an import declaration a fix needs added to its file.
type Import struct {
	Name string // "" for the package's own name
	Path string
}

// newEditor returns an editor for file, which dec decorated from f.
func newEditor(f *File, dec *decorator.Decorator, file *dst.File) *Editor {
	return &Editor{file0: f, astFile: f.Syntax, dec: dec, file: file}
}

// Dst returns the decorated node for an original node.
func (e *Editor) Dst(n ast.Node) (dst.Node, error) {
	d, ok := e.dec.Dst.Nodes[n]
	if !ok {
		return nil, fmt.Errorf("no decorated node for %T at %v", n, e.file0.Fset.Position(n.Pos()))
	}
	return d, nil
}

// InsertAfter inserts stmts right after anchor in the statement list that
// holds it. The anchor's trailing decoration (a blank line that separated it
// from the next statement, say), and any comment on the lines below it that
// the decorator attached to it, move to the last inserted statement, so the
// new code comes right after the anchor and the spacing below stays.
func (e *Editor) InsertAfter(anchor ast.Stmt, stmts ...dst.Stmt) error {
	d, list, i, err := e.locate(anchor)
	if err != nil {
		return err
	}
	decs := d.Decorations()
	last := stmts[len(stmts)-1].Decorations()
	last.After = decs.After
	decs.After = dst.NewLine
	// Comments on the lines below the anchor that the decorator gave to it
	// ("}\n// note") stay below the anchor, after the new statements;
	// those on the anchor's own last line stay with it.
	if i := slices.Index(decs.End, "\n"); i >= 0 {
		last.End = append(decs.End[i:len(decs.End):len(decs.End)], last.End...)
		decs.End = decs.End[:i]
	}
	for _, s := range stmts {
		s.Decorations().Before = dst.NewLine
	}
	*list = append((*list)[:i+1], append(stmts, (*list)[i+1:]...)...)
	return nil
}

// InsertBefore inserts stmts right before anchor in the statement list that
// holds it. The comments above the anchor and the spacing before it move
// to the first inserted statement, so that they stay above the new code.
func (e *Editor) InsertBefore(anchor ast.Stmt, stmts ...dst.Stmt) error {
	if len(stmts) == 0 {
		return nil
	}
	d, list, i, err := e.locate(anchor)
	if err != nil {
		return err
	}
	decs := d.Decorations()
	first := stmts[0].Decorations()
	first.Before, first.Start = decs.Before, decs.Start
	decs.Before, decs.Start = dst.NewLine, nil
	for _, s := range stmts[1:] {
		s.Decorations().Before = dst.NewLine
	}
	stmts[len(stmts)-1].Decorations().After = dst.NewLine
	*list = append((*list)[:i], append(stmts, (*list)[i:]...)...)
	return nil
}

// Delete removes stmt from the statement list that holds it. Its comments
// are kept: they move to the statement after it, or, at the end of the
// list, below the statement before it.
func (e *Editor) Delete(stmt ast.Stmt) error {
	d, list, i, err := e.locate(stmt)
	if err != nil {
		return err
	}
	decs := d.Decorations()
	comments := append(decs.Start.All(), decs.End.All()...)
	switch {
	case i+1 < len(*list):
		next := (*list)[i+1].Decorations()
		next.Start.Replace(append(comments, next.Start.All()...)...)
		if i == 0 || decs.Before == dst.EmptyLine {
			next.Before = decs.Before
		}
	case i > 0 && len(comments) > 0:
		prev := (*list)[i-1].Decorations()
		prev.End.Append(append([]string{"\n"}, comments...)...)
	}
	*list = slices.Delete(*list, i, i+1)
	return nil
}

// Move moves stmt to right after anchor, or right before it when before
// is set. The comment on stmt's own line moves with it; those above it
// stay where they were, on the statement that now comes first there.
func (e *Editor) Move(stmt, anchor ast.Stmt, before bool) error {
	d, err := e.Dst(stmt)
	if err != nil {
		return err
	}
	decs := d.Decorations()
	end := decs.End
	decs.End = nil
	if err := e.Delete(stmt); err != nil {
		return err
	}
	decs.Start, decs.End = nil, end
	if before {
		return e.InsertBefore(anchor, d.(dst.Stmt))
	}
	return e.InsertAfter(anchor, d.(dst.Stmt))
}

// Replace puts with in the place of stmt, with stmt's comments and
// spacing.
func (e *Editor) Replace(stmt ast.Stmt, with dst.Stmt) error {
	d, list, i, err := e.locate(stmt)
	if err != nil {
		return err
	}
	*with.Decorations() = *d.Decorations()
	(*list)[i] = with
	return nil
}

// AddDeclAfter adds decl to the file right after the declaration anchor.
func (e *Editor) AddDeclAfter(anchor ast.Decl, decl dst.Decl) error {
	d, err := e.Dst(anchor)
	if err != nil {
		return err
	}
	i := slices.Index(e.file.Decls, d.(dst.Decl))
	if i < 0 {
		return fmt.Errorf("declaration at %v is not at the file's top level", e.file0.Fset.Position(anchor.Pos()))
	}
	if decl.Decorations().Before == dst.None {
		decl.Decorations().Before = dst.EmptyLine
	}
	e.file.Decls = slices.Insert(e.file.Decls, i+1, decl)
	return nil
}

// Append adds stmts at the end of the statement list of block (an
// *ast.BlockStmt, *ast.CaseClause or *ast.CommClause).
func (e *Editor) Append(block ast.Node, stmts ...dst.Stmt) error {
	d, err := e.Dst(block)
	if err != nil {
		return err
	}
	list := stmtsOf(d)
	if list == nil {
		return fmt.Errorf("%T has no statement list", d)
	}
	for _, s := range stmts {
		s.Decorations().Before = dst.NewLine
		s.Decorations().After = dst.NewLine
	}
	*list = append(*list, stmts...)
	return nil
}

// locate returns the decorated form of stmt, the statement list that holds
// it and its index there.
func (e *Editor) locate(stmt ast.Stmt) (dst.Stmt, *[]dst.Stmt, int, error) {
	d, err := e.Dst(stmt)
	if err != nil {
		return nil, nil, 0, err
	}
	list, i := e.stmtList(d.(dst.Stmt))
	if list == nil {
		return nil, nil, 0, fmt.Errorf("statement at %v is not in a statement list", e.file0.Fset.Position(stmt.Pos()))
	}
	return d.(dst.Stmt), list, i, nil
}

// stmtsOf returns the statement list of n, a block or a case or comm
// clause, or nil.
func stmtsOf(n dst.Node) *[]dst.Stmt {
	switch n := n.(type) {
	case *dst.BlockStmt:
		return &n.List
	case *dst.CaseClause:
		return &n.Body
	case *dst.CommClause:
		return &n.Body
	}
	return nil
}

// stmtList finds the statement list that holds s, and s's index in it.
func (e *Editor) stmtList(s dst.Stmt) (*[]dst.Stmt, int) {
	var list *[]dst.Stmt
	index := -1
	dst.Inspect(e.file, func(n dst.Node) bool {
		if list != nil {
			return false
		}
		l := stmtsOf(n)
		if l == nil {
			return true
		}
		for i, x := range *l {
			if x == s {
				list, index = l, i
				return false
			}
		}
		return true
	})
	return list, index
}

// ImportName returns the name by which the file can refer to the package
// with the given import path, and records an import to add when the file
// does not import it yet. A new import gets an alias when its own name is
// taken anywhere in the file or package, so it is never shadowed.
func (e *Editor) ImportName(importPath string) string {
	for _, spec := range e.astFile.Imports {
		if p := strings.Trim(spec.Path.Value, "`\""); p != importPath {
			continue
		}
		if spec.Name != nil {
			if spec.Name.Name != "_" && spec.Name.Name != "." {
				return spec.Name.Name
			}
			continue
		}
		if pn, ok := e.file0.Info.Implicits[spec].(*types.PkgName); ok {
			return pn.Imported().Name()
		}
	}
	for _, imp := range e.imports {
		if imp.Path == importPath {
			return cmpOr(imp.Name, defaultName(importPath))
		}
	}
	name := defaultName(importPath)
	alias := ""
	for i := 0; e.nameTaken(name); i++ {
		// net/http → nethttp, then nethttp2, nethttp3...
		name = strings.ReplaceAll(importPath, "/", "")
		if i > 0 {
			name = fmt.Sprintf("%s%d", name, i+1)
		}
		alias = name
	}
	e.imports = append(e.imports, Import{Name: alias, Path: importPath})
	return name
}

// Imports returns the imports the fixes asked for.
func (e *Editor) Imports() []Import { return e.imports }

// nameTaken reports whether name is declared in the package scope, imported
// in the file, or declared or used anywhere in the file.
func (e *Editor) nameTaken(name string) bool {
	if e.file0.Pkg.Scope().Lookup(name) != nil {
		return true
	}
	for _, imp := range e.imports {
		if cmpOr(imp.Name, defaultName(imp.Path)) == name {
			return true
		}
	}
	taken := false
	ast.Inspect(e.astFile, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			taken = true
		}
		return !taken
	})
	return taken
}

// defaultName is the name a package is imported as, from its path: the last
// element, skipping a major-version suffix such as /v2.
func defaultName(importPath string) string {
	base := path.Base(importPath)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(importPath))
	}
	return base
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
