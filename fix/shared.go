package fix

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"

	udiff "github.com/aymanbagabas/go-udiff"
)

// Shared is a declaration that several fixes of a package need (a helper
// type, say), declared once in the package: at the end of File, one file
// of the package, the same for all the fixes that need it (rules.Run
// chooses it). Each
// fix that needs it carries the same insertion into File, whether File is
// the fix's own file or another: applied alone, any of them compiles, and
// applied together, the analysis drivers merge the identical insertions
// into one declaration.
type Shared struct {
	// Name is the name the declaration declares.
	Name string
	// File is the file that declares it, by its token.File name. Fixes
	// whose Shared have the same Name share the declaration, and File.
	File string
	// Source is the declaration's Go source, ending in a newline, for a
	// file that refers to an imported package by the name that
	// importName returns for its path.
	Source func(importName func(importPath string) string) string
}

// SharedEdits returns the edits that declare shared at the end of f,
// with the imports the declarations need: the edits every fix that needs
// them carries into f, the same whichever fix it is.
func SharedEdits(f *File, shared []*Shared) ([]udiff.Edit, error) {
	if UsesCgo(f.Fset, f.Syntax) {
		return nil, ErrCgo
	}
	tf := f.Fset.File(f.Syntax.Pos())
	if tf.Size() != len(f.Src) {
		return nil, ErrStale
	}
	ed := newEditor(f, nil, nil)
	edits := appendShared(ed, f.Src, shared, mostlyCRLF(f.Src))
	return withImports(ed, edits, f, tf, mostlyCRLF(f.Src))
}

// appendShared returns the insertion of shared (each name once) at
// the end of src, and records the imports they need on ed.
func appendShared(ed *Editor, src []byte, shared []*Shared, crlf bool) []udiff.Edit {
	var text string
	var seen []string
	for _, s := range shared {
		if slices.Contains(seen, s.Name) {
			continue
		}
		seen = append(seen, s.Name)
		text += "\n" + s.Source(ed.ImportName)
	}
	if text == "" {
		return nil
	}
	if len(src) > 0 && !bytes.HasSuffix(src, []byte("\n")) {
		text = "\n" + text
	}
	if crlf {
		text = toCRLF(text)
	}
	return []udiff.Edit{{Start: len(src), End: len(src), New: text}}
}

// EditsAlone returns the edits of fx, a fix of f, applied alone, by file
// name: the lines it changes in f, and, when it shares a declaration, the
// insertion SharedEdits makes in decl, the file that declares it (f
// itself, or another), the same in every fix that shares it. A line diff
// of the fixed files could place that insertion otherwise beside the
// fix's own changes, and two fixes would then declare it twice.
func EditsAlone(f *File, fx *Fix, decl *File) (map[string][]udiff.Edit, error) {
	fixed, err := Apply(f, []*Fix{fx})
	if err != nil {
		return nil, err
	}
	edits := map[string][]udiff.Edit{f.name(): udiff.Lines(string(f.Src), string(fixed))}
	if fx.Shared != nil {
		shared, err := SharedEdits(decl, []*Shared{fx.Shared})
		if err != nil {
			return nil, fmt.Errorf("cannot declare %s in %s: %v", fx.Shared.Name, filepath.Base(decl.name()), err)
		}
		name := decl.name()
		edits[name] = append(edits[name], shared...)
		slices.SortStableFunc(edits[name], func(a, b udiff.Edit) int { return a.Start - b.Start })
	}
	return edits, nil
}

// name is the name of f's token.File.
func (f *File) name() string { return f.Fset.File(f.Syntax.Pos()).Name() }
