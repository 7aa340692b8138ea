package fix

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/dave/dst/decorator"
	"github.com/leakfix/leakfix/internal/syntax"
)

// A Fix rewrites the decorated syntax tree of one file.
type Fix struct {
	Message string
	// Sites are the ranges of the original file the fix rewrites. They
	// are used when a fix lands among lines that the printer reformats:
	// then the printed lines at the sites replace the original ones.
	Sites []Site
	// Edit applies the fix to the decorated file.
	Edit func(*Editor) error
	// Shared is a declaration the fix needs, shared with the package's
	// other fixes of its kind, or nil.
	Shared *Shared
}

// A Site is a range of the original file.
type Site struct{ Pos, End token.Pos }

// A File is a type-checked Go file and its content.
type File struct {
	Fset   *token.FileSet
	Pkg    *types.Package
	Info   *types.Info
	Syntax *ast.File
	Src    []byte
	// Kind is what the file is, as classified where it was loaded, or
	// nil to have it classified here.
	Kind *FileKind
}

// rewritable returns f's token.File, or why f cannot be rewritten: it
// uses cgo (the type checker saw cmd/cgo's translation, not the file on
// disk, so fixes could land anywhere), or its content is not the one its
// syntax was parsed from.
func (f *File) rewritable() (*token.File, error) {
	kind := f.Kind
	if kind == nil {
		k := Classify(f.Fset, f.Syntax, nil)
		kind = &k
	}
	if kind.Cgo {
		return nil, ErrCgo
	}
	tf := f.Fset.File(f.Syntax.Pos())
	if tf.Size() != len(f.Src) {
		return nil, ErrStale
	}
	return tf, nil
}

// ErrStale is returned (wrapped) when a file's content is not the one its
// syntax tree was parsed from.
var ErrStale = errors.New("file changed on disk since it was loaded")

// Edits returns the text edits of f's content that apply fixes to f,
// together, and declare shared at its end. An error says why the fixes
// could not be applied; it does not name the file.
//
// The file is decorated in plain mode and printed twice: before the fixes
// edit the decorated tree, and after. The difference between the two prints
// is exactly what the fixes changed; it is mapped back onto src through the
// lines src and the first print share, so every other line of src stays
// byte-identical, even where src is not gofmt-clean (the printer would
// reformat it). Where a fix lands among lines the printer reformats, the
// printed lines at the fix's sites replace the original ones instead.
// Imports the fixes need are added as a separate small edit. The shared
// declarations are appended to the file, as SharedEdits has them.
//
// The edits are sorted, do not overlap, and are whole lines. Whether the
// result parses and type-checks is Check's to say.
func Edits(f *File, fixes []*Fix, shared ...*Shared) ([]Edit, error) {
	src := f.Src
	tf, err := f.rewritable()
	if err != nil {
		return nil, err
	}
	crlf := mostlyCRLF(src)
	var edits []Edit
	var ed *Editor
	// On a large file, decorating and printing the declarations the
	// fixes are in, rather than the whole file, is most of the saving;
	// whenever that does not map cleanly onto src, the whole file is.
	if part, view, ok := declsOfFixes(f, tf, fixes); ok {
		edits, ed, err = f.printedEdits(tf, part, view, fixes, crlf)
	}
	if ed == nil || err != nil {
		if edits, ed, err = f.printedEdits(tf, f.Syntax, nil, fixes, crlf); err != nil {
			return nil, err
		}
	}
	edits = append(edits, appendShared(ed, src, shared, crlf)...)
	if len(edits) == 0 {
		return nil, errors.New("the fixes changed nothing")
	}
	return withImports(ed, edits, f, tf, crlf)
}

// printedEdits applies fixes to the decorated form of file (f's syntax,
// or the part of it that declsOfFixes made, whose lines in src view
// has), and returns the lines they change, as edits of f.Src, and the
// editor that made them. For a part, it returns a nil editor when the
// fixes reach outside it or their changes do not carry over onto src.
func (f *File) printedEdits(tf *token.File, file *ast.File, view *srcView, fixes []*Fix, crlf bool) ([]Edit, *Editor, error) {
	src := f.Src
	fset := f.Fset
	if view != nil {
		fset = view.fileSet(tf)
	}
	dec := decorator.NewDecorator(fset)
	dfile, err := dec.DecorateFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("decorate: %v", err)
	}
	// The printer writes neither a byte-order mark nor CRLF line endings:
	// print as src is written, so that the lines of the prints and of src
	// compare, and new lines end as most of src's lines do.
	bom := ""
	if bytes.HasPrefix(src, []byte(byteOrderMark)) && view == nil {
		bom = byteOrderMark
	}
	print := func() (string, error) {
		var buf bytes.Buffer
		buf.WriteString(bom)
		if err := decorator.NewRestorer().Fprint(&buf, dfile); err != nil {
			return "", fmt.Errorf("print: %v", err)
		}
		if crlf {
			return toCRLF(buf.String()), nil
		}
		return buf.String(), nil
	}
	before, err := print()
	if err != nil {
		return nil, nil, err
	}
	ed := newEditor(f, dec, dfile)
	var sites [][2]int
	for _, fx := range fixes {
		if err := fx.Edit(ed); err != nil {
			if view != nil {
				return nil, nil, nil // it may need what the part left out
			}
			return nil, nil, fmt.Errorf("%s: %v", fx.Message, err)
		}
		for _, s := range fx.Sites {
			sites = append(sites, lineSpan(src, tf.Offset(s.Pos), tf.Offset(s.End)))
		}
	}
	after, err := print()
	if err != nil {
		return nil, nil, err
	}
	if view != nil {
		edits, ok := mapEdits(view.text, before, udiff.Lines(before, after))
		if edits, ok = view.toSrc(edits, ok); !ok {
			return nil, nil, nil
		}
		return edits, ed, nil
	}
	edits, ok := mapEdits(string(src), before, udiff.Lines(before, after))
	if !ok {
		edits = nil
		for _, e := range udiff.Lines(string(src), after) {
			if slices.ContainsFunc(sites, func(s [2]int) bool { return e.Start <= s[1] && e.End >= s[0] }) {
				edits = append(edits, e)
			}
		}
	}
	return edits, ed, nil
}

// A srcView is the lines of a file that a part of its syntax covers: the
// package clause's and each declaration's, with its doc comment, in
// order.
type srcView struct {
	text      string
	lines     []int // the index in the file of each line of text
	srcStarts []int // the offset in the file of each of its lines, lineStarts' way
}

// fileSet returns a file set for decorating the part of tf that v views:
// the same file, by name, base and size, but with each run of lines that v
// leaves out made one line. The decorator reads the file's lines byte by
// byte and makes a fragment of each, which it then matches up with the
// nodes around it by a search that is quadratic in the length of a run of
// lines without a node: thousands, in a large file of which a part is
// decorated.
func (v *srcView) fileSet(tf *token.File) *token.FileSet {
	starts := v.srcStarts
	var offsets []int
	next := 0 // the line after the last one added
	for _, l := range v.lines {
		if l != next || len(offsets) == 0 && l > 0 {
			offsets = append(offsets, starts[next]) // the lines left out, as one
		}
		offsets = append(offsets, starts[l])
		next = l + 1
	}
	if next < len(starts)-1 {
		offsets = append(offsets, starts[next])
	}
	fset := token.NewFileSet()
	part := fset.AddFile(tf.Name(), tf.Base(), tf.Size())
	if !part.SetLines(slices.Compact(offsets)) {
		panic(fmt.Sprintf("fix: bad line offsets for %s", tf.Name())) // they come from src, in order
	}
	return fset
}

// declsOfFixes returns f's syntax cut down to the package clause and the
// declarations that hold the fixes' sites, with the lines of src they
// cover; false when that would not save much: some fix has no site, or
// the declarations are most of the file.
func declsOfFixes(f *File, tf *token.File, fixes []*Fix) (*ast.File, *srcView, bool) {
	file := f.Syntax
	line := func(p token.Pos) int { return tf.PositionFor(p, false).Line - 1 }
	start := func(d ast.Decl) token.Pos {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Doc != nil {
				return d.Doc.Pos()
			}
		case *ast.GenDecl:
			if d.Doc != nil {
				return d.Doc.Pos()
			}
		}
		return d.Pos()
	}
	keep := map[ast.Decl]bool{}
	for _, fx := range fixes {
		if len(fx.Sites) == 0 {
			return nil, nil, false
		}
		for _, s := range fx.Sites {
			i, found := slices.BinarySearchFunc(file.Decls, s.Pos, func(d ast.Decl, p token.Pos) int { return cmp.Compare(d.End(), p) })
			if !found && (i == len(file.Decls) || start(file.Decls[i]) > s.Pos) {
				return nil, nil, false // not in a declaration
			}
			keep[file.Decls[i]] = true
		}
	}
	part := *file
	part.Doc, part.Imports, part.Decls, part.Comments = nil, nil, nil, nil
	lines := []int{line(file.Package)}
	for _, d := range file.Decls {
		if !keep[d] {
			continue
		}
		part.Decls = append(part.Decls, d)
		from, to := start(d), d.End()
		for l := line(from); l <= line(to); l++ {
			if l > lines[len(lines)-1] {
				lines = append(lines, l)
			}
		}
		for _, cg := range file.Comments {
			if cg.Pos() >= from && cg.End() <= to {
				part.Comments = append(part.Comments, cg)
			}
		}
	}
	if 2*len(lines) > tf.LineCount() {
		return nil, nil, false
	}
	starts := lineStarts(string(f.Src))
	var text strings.Builder
	for _, l := range lines {
		text.Write(f.Src[starts[l]:starts[l+1]])
	}
	return &part, &srcView{text: text.String(), lines: lines, srcStarts: starts}, true
}

// toSrc carries edits of v's text (line edits, as mapEdits makes them)
// over to src, the file v views; false when one would span lines that
// are not neighbours in src, or, for an insertion, go between two such.
func (v *srcView) toSrc(edits []Edit, ok bool) ([]Edit, bool) {
	if !ok {
		return nil, false
	}
	viewStarts, srcStarts := lineStarts(v.text), v.srcStarts
	lineAt := func(off int) int { // the view line that starts at off
		i, _ := slices.BinarySearch(viewStarts, off)
		return i
	}
	after := func(i int) int { return srcStarts[v.lines[i]+1] } // the src offset after view line i
	out := make([]Edit, 0, len(edits))
	for _, e := range edits {
		first, end := lineAt(e.Start), lineAt(e.End)
		if first == 0 || end > len(v.lines) || v.lines[end-1]-v.lines[first-1] != end-first {
			return nil, false // at the package clause, or across declarations
		}
		out = append(out, Edit{Start: after(first - 1), End: after(end - 1), New: e.New})
	}
	return out, true
}

// mapEdits carries line edits of printed (a print of src) over to src. An
// edit carries over when the printed lines it replaces, or for an insertion
// a line beside it, are lines that src has too, up to white space (the
// printer trims trailing blanks and realigns). It reports false when some
// edit does not carry over.
func mapEdits(src, printed string, edits []Edit) ([]Edit, bool) {
	srcLines, printedLines := lineStarts(src), lineStarts(printed)
	toSrc := alignLines(src, printed, srcLines, printedLines)
	lineAt := func(off int) int { // the printed line that starts at off
		i, _ := slices.BinarySearch(printedLines, off)
		return i
	}
	var out []Edit
	for _, e := range edits {
		first, end := lineAt(e.Start), lineAt(e.End)
		if first == end {
			// An insertion: after a line src has, or else before one.
			if j, ok := toSrc[first-1]; ok && first > 0 {
				out = append(out, Edit{Start: srcLines[j+1], End: srcLines[j+1], New: e.New})
				continue
			}
			if j, ok := toSrc[first]; ok {
				out = append(out, Edit{Start: srcLines[j], End: srcLines[j], New: e.New})
				continue
			}
			return nil, false
		}
		// A replacement: the replaced lines must be a run of lines src has.
		j, ok := toSrc[first]
		if !ok {
			return nil, false
		}
		for i := first; i < end; i++ {
			if k, ok := toSrc[i]; !ok || k != j+(i-first) {
				return nil, false
			}
		}
		out = append(out, Edit{Start: srcLines[j], End: srcLines[j+end-first], New: e.New})
	}
	return out, true
}

// checkLineDirectives fails when an edit inserts or replaces lines below
// a //line or /*line directive: the lines it inserts would have no place in
// what the directive maps the file onto, and would shift the positions of
// every line after them. (Edits above the first directive shift only lines
// the file numbers itself.)
func checkLineDirectives(file *ast.File, tf *token.File, edits []Edit) error {
	var directives []*ast.Comment
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//line ") || strings.HasPrefix(c.Text, "/*line ") {
				directives = append(directives, c)
			}
		}
	}
	for _, e := range edits {
		// The directive that numbers the edit's lines: the last one above.
		var above *ast.Comment
		for _, c := range directives {
			if tf.Offset(c.Slash) < e.End {
				above = c
			}
		}
		if above != nil {
			return fmt.Errorf("the fix would go below the line directive on line %d of %s", tf.PositionFor(above.Slash, false).Line, filepath.Base(tf.Name()))
		}
	}
	return nil
}

// lineStarts returns the offsets at which the lines of s start, and len(s)
// last.
func lineStarts(s string) []int {
	starts := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' && i+1 < len(s) {
			starts = append(starts, i+1)
		}
	}
	return append(starts, len(s))
}

// alignLines matches the lines of printed to the lines of src that are the
// same up to white space, in order: the result maps a printed line's index
// to its src line's index.
func alignLines(src, printed string, srcLines, printedLines []int) map[int]int {
	squash := func(s string, starts []int) string {
		var b strings.Builder
		for i := 0; i+1 < len(starts); i++ {
			for _, r := range s[starts[i]:starts[i+1]] {
				if r != ' ' && r != '\t' && r != '\r' && r != '\n' {
					b.WriteRune(r)
				}
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	a, b := squash(src, srcLines), squash(printed, printedLines)
	aStarts := lineStarts(a)
	aLine := func(off int) int {
		i, _ := slices.BinarySearch(aStarts, off)
		return i
	}
	toSrc := map[int]int{}
	i, j := 0, 0 // next unmatched src and printed lines
	match := func(srcEnd int) {
		for ; i < srcEnd; i, j = i+1, j+1 {
			toSrc[j] = i
		}
	}
	for _, e := range udiff.Lines(a, b) {
		match(aLine(e.Start))
		i, j = aLine(e.End), j+strings.Count(e.New, "\n")
	}
	match(len(srcLines) - 1)
	return toSrc
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

const byteOrderMark = "\ufeff"

// mostlyCRLF reports whether most lines of src end in CRLF.
func mostlyCRLF(src []byte) bool {
	return bytes.Count(src, []byte("\r\n")) > bytes.Count(src, []byte("\n"))/2
}

func toCRLF(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// withImports adds to edits, edits of f, the imports the fixes asked ed
// for, and checks that no edit falls below a line directive.
func withImports(ed *Editor, edits []Edit, f *File, tf *token.File, crlf bool) ([]Edit, error) {
	if imps := ed.Imports(); len(imps) > 0 {
		var err error
		if edits, err = addImports(edits, f.Src, tf, f.Syntax, imps, crlf); err != nil {
			return nil, err
		}
	}
	if err := checkLineDirectives(f.Syntax, tf, edits); err != nil {
		return nil, err
	}
	return edits, nil
}

// addImports adds to edits, the fixes' edits of src, the insertion of
// import declarations. Fixes change function bodies; an import goes into
// the import block, or after the package clause, which a fix changes only
// when a function shares its line: then the import cannot be placed, and
// addImports fails.
//
// A new import joins a parenthesized import block, in sorted position in the
// group of standard-library imports when the path is a standard one, and
// otherwise in the first group; the block is never regrouped. A file with only
// single-line imports gets another single-line import; a file without any
// gets an import declaration after the package clause.
func addImports(edits []Edit, src []byte, tf *token.File, file *ast.File, imps []Import, crlf bool) ([]Edit, error) {
	nl := "\n"
	if crlf {
		nl = "\r\n"
	}
	var all []Edit
	for _, imp := range imps {
		spec := strconv.Quote(imp.Path)
		if imp.Name != "" {
			spec = imp.Name + " " + spec
		}
		ie := importEdit(src, tf, file, imp.Path, spec, nl)
		if slices.ContainsFunc(edits, func(e Edit) bool { return e.Start < ie.Start && ie.Start <= e.End }) {
			return nil, fmt.Errorf("cannot add the import of %q: a fix rewrites the line where it goes", imp.Path)
		}
		all = append(all, ie)
	}
	// Imports come first among edits at the same offset: they go before
	// any code.
	all = append(all, edits...)
	slices.SortStableFunc(all, func(a, b Edit) int { return a.Start - b.Start })
	return all, nil
}

func importEdit(src []byte, tf *token.File, file *ast.File, importPath, spec, nl string) Edit {
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
				return Edit{Start: at, End: at, New: "\t" + spec + nl}
			}
		}
		at := lineEnd(group[len(group)-1].End())
		return Edit{Start: at, End: at, New: "\t" + spec + nl}
	case block != nil:
		at := tf.Offset(block.Lparen) + 1
		return Edit{Start: at, End: at, New: nl + "\t" + spec + nl}
	case last != nil:
		at := lineEnd(last.End())
		return Edit{Start: at, End: at, New: "import " + spec + nl}
	default:
		at := lineEnd(file.Name.End())
		return Edit{Start: at, End: at, New: nl + "import " + spec + nl}
	}
}

// pickGroup returns the group of import specs (a run without blank lines)
// where importPath belongs: the standard-library group for a standard path
// (no dot in its first element), else the first group.
func pickGroup(tf *token.File, specs []ast.Spec, importPath string) []ast.Spec {
	var groups [][]ast.Spec
	for i, s := range specs {
		if i == 0 || rawLine(tf, s.Pos()) > rawLine(tf, specs[i-1].End())+1 {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], s)
	}
	if syntax.IsStandardPath(importPath) {
		for _, g := range groups {
			if syntax.IsStandardPath(strings.Trim(g[0].(*ast.ImportSpec).Path.Value, "\"`")) {
				return g
			}
		}
	}
	return groups[0]
}

// rawLine is the line of p in tf, whatever //line directives say.
func rawLine(tf *token.File, p token.Pos) int {
	return tf.PositionFor(p, false).Line
}
