package fix

import (
	"bytes"
	"slices"
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
func SharedEdits(f *File, shared []*Shared) ([]Edit, error) {
	tf, err := f.rewritable()
	if err != nil {
		return nil, err
	}
	ed := newEditor(f, nil, nil)
	edits := appendShared(ed, f.Src, shared, mostlyCRLF(f.Src))
	return withImports(ed, edits, f, tf, mostlyCRLF(f.Src))
}

// appendShared returns the insertion of shared (each name once) at
// the end of src, and records the imports they need on ed.
func appendShared(ed *Editor, src []byte, shared []*Shared, crlf bool) []Edit {
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
	return []Edit{{Start: len(src), End: len(src), New: text}}
}

// name is the name of f's token.File.
func (f *File) name() string { return f.Fset.File(f.Syntax.Pos()).Name() }
