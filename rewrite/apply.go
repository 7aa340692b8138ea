package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/dave/dst/decorator"
	"github.com/leakfix/leakfix/rules"
)

// FixFile applies fixes to file, a file of pkg whose content is src, and
// returns the new content.
//
// The file is decorated in plain mode, the fixes edit the decorated tree,
// and the tree is printed again. Of the differences between the printed
// file and src, only those at a fix's sites are kept: the rest of the file
// stays byte-identical, even where it is not gofmt-clean (the printer would
// reformat it). Imports the fixes need are added as a separate small edit.
func FixFile(pkg *rules.Package, file *ast.File, src []byte, fixes []*rules.Fix) ([]byte, error) {
	tf := pkg.Fset.File(file.Pos())
	name := tf.Name()
	if tf.Size() != len(src) {
		return nil, fmt.Errorf("%s: %w", name, ErrChangedOnDisk)
	}
	dec := decorator.NewDecorator(pkg.Fset)
	dfile, err := dec.DecorateFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: decorate: %v", name, err)
	}
	ed := rules.NewEditor(pkg, file, dec, dfile)
	var sites [][2]int
	for _, fx := range fixes {
		if err := fx.Edit(ed); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", name, fx.Message, err)
		}
		for _, s := range fx.Sites {
			sites = append(sites, lineSpan(src, tf.Offset(s.Pos), tf.Offset(s.End)))
		}
	}
	var buf bytes.Buffer
	if err := decorator.NewRestorer().Fprint(&buf, dfile); err != nil {
		return nil, fmt.Errorf("%s: print: %v", name, err)
	}
	printed := buf.String()
	crlf := bytes.Contains(src, []byte("\r\n"))
	if crlf {
		printed = toCRLF(printed)
	}
	var kept []udiff.Edit
	for _, e := range udiff.Lines(string(src), printed) {
		if slices.ContainsFunc(sites, func(s [2]int) bool { return e.Start <= s[1] && e.End >= s[0] }) {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("%s: the fixes changed nothing at their sites", name)
	}
	out, err := udiff.Apply(string(src), kept)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if imps := ed.Imports(); len(imps) > 0 {
		out = addImports(out, src, tf, file, imps, crlf)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), name, out, parser.ParseComments|parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("the fixed file does not parse: %v", err)
	}
	return []byte(out), nil
}

// lineSpan widens [start, end) to whole lines of src, with the final line's
// newline.
func lineSpan(src []byte, start, end int) [2]int {
	start = bytes.LastIndexByte(src[:start], '\n') + 1
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		end += i + 1
	} else {
		end = len(src)
	}
	return [2]int{start, end}
}

func toCRLF(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// addImports inserts import declarations into out, a fixed version of src
// in which everything up to the end of the imports is still as in src (fixes
// only change function bodies), so offsets in src hold in out.
//
// A new import joins a parenthesized import block, in sorted position in the
// group of standard-library imports when the path is a standard one, and
// otherwise in the first group; the block is never regrouped. A file with only
// single-line imports gets another single-line import; a file without any
// gets an import declaration after the package clause.
func addImports(out string, src []byte, tf *token.File, file *ast.File, imps []rules.Import, crlf bool) string {
	nl := "\n"
	if crlf {
		nl = "\r\n"
	}
	var edits []udiff.Edit
	for _, imp := range imps {
		spec := strconv.Quote(imp.Path)
		if imp.Name != "" {
			spec = imp.Name + " " + spec
		}
		edits = append(edits, importEdit(src, tf, file, imp.Path, spec, nl))
	}
	res, err := udiff.Apply(out, edits)
	if err != nil {
		panic(err) // the edits are insertions before any fix site
	}
	return res
}

func importEdit(src []byte, tf *token.File, file *ast.File, importPath, spec, nl string) udiff.Edit {
	var block *ast.GenDecl
	var last *ast.GenDecl
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			last = g
			if g.Lparen.IsValid() && block == nil {
				block = g
			}
		}
	}
	lineEnd := func(p token.Pos) int {
		off := tf.Offset(p)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			return off + i + 1
		}
		return len(src)
	}
	switch {
	case block != nil && len(block.Specs) > 0:
		group := pickGroup(tf, block.Specs, importPath)
		for _, s := range group {
			if strings.Trim(s.(*ast.ImportSpec).Path.Value, "\"`") > importPath {
				at := lineSpan(src, tf.Offset(s.Pos()), tf.Offset(s.Pos()))[0]
				return udiff.Edit{Start: at, End: at, New: "\t" + spec + nl}
			}
		}
		at := lineEnd(group[len(group)-1].End())
		return udiff.Edit{Start: at, End: at, New: "\t" + spec + nl}
	case block != nil:
		at := tf.Offset(block.Lparen) + 1
		return udiff.Edit{Start: at, End: at, New: nl + "\t" + spec + nl}
	case last != nil:
		at := lineEnd(last.End())
		return udiff.Edit{Start: at, End: at, New: "import " + spec + nl}
	default:
		at := lineEnd(file.Name.End())
		return udiff.Edit{Start: at, End: at, New: nl + "import " + spec + nl}
	}
}

// pickGroup returns the group of import specs (a run without blank lines)
// where importPath belongs: the standard-library group for a standard path
// (no dot in its first element), else the first group.
func pickGroup(tf *token.File, specs []ast.Spec, importPath string) []ast.Spec {
	var groups [][]ast.Spec
	for i, s := range specs {
		if i == 0 || tf.Line(s.Pos()) > tf.Line(specs[i-1].End())+1 {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], s)
	}
	if isStd(importPath) {
		for _, g := range groups {
			if isStd(strings.Trim(g[0].(*ast.ImportSpec).Path.Value, "\"`")) {
				return g
			}
		}
	}
	return groups[0]
}

func isStd(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}
