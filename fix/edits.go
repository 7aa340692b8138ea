package fix

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	udiff "github.com/aymanbagabas/go-udiff"
)

// An Edit replaces the bytes [Start, End) of a file's original content
// with New. It is the one currency of fixes: the driver merges them, the
// diff, the reports and the analyzers' suggested fixes show them, and
// writing applies them.
type Edit = udiff.Edit

// FileEdits are the edits of some files, by the name of their token.File,
// each file's sorted and not overlapping.
type FileEdits map[string][]Edit

// EditsAlone returns the edits of fx, a fix of f, applied alone: the lines
// it changes in f and the imports it adds there, and, when it shares a
// declaration, the insertion SharedEdits makes in decl, the file that
// declares it (f itself, or another), which is the same edit in every fix
// that shares it, so that merging the fixes declares it once.
func EditsAlone(f *File, fx *Fix, decl *File) (FileEdits, error) {
	if fx.Shared != nil && decl.name() == f.name() {
		edits, err := Edits(f, []*Fix{fx}, fx.Shared)
		if err != nil {
			return nil, err
		}
		return FileEdits{f.name(): edits}, nil
	}
	edits, err := Edits(f, []*Fix{fx})
	if err != nil {
		return nil, err
	}
	out := FileEdits{f.name(): edits}
	if fx.Shared != nil {
		shared, err := SharedEdits(decl, []*Shared{fx.Shared})
		if err != nil {
			return nil, fmt.Errorf("cannot declare %s in %s: %v", fx.Shared.Name, filepath.Base(decl.name()), err)
		}
		out[decl.name()] = shared
	}
	return out, nil
}

// EditsOf is EditsAlone, with the file that declares fx's shared
// declaration, when it is not own, found by name: declFile returns it, or
// why the fix may not edit it.
func EditsOf(own *File, fx *Fix, declFile func(name string) (*File, error)) (FileEdits, error) {
	decl := own
	if sh := fx.Shared; sh != nil && sh.File != own.name() {
		d, err := declFile(sh.File)
		if err != nil {
			return nil, fmt.Errorf("the fix declares %s in %s: %v", sh.Name, filepath.Base(sh.File), err)
		}
		decl = d
	}
	return EditsAlone(own, fx, decl)
}

// Merge returns the edits of a and b together, as x/tools' analysis
// drivers merge the fixes of several diagnostics (udiff.Merge): identical
// edits (an import, a shared declaration that both add) are made once;
// two different insertions at the same offset are both made, a's first
// (two fixes that each add a line there); edits that replace overlapping
// text differently conflict, and Merge reports false. Whatever merges is
// type-checked together after (Select), which catches insertions that
// make no sense side by side.
func Merge(a, b FileEdits) (FileEdits, bool) {
	out := maps.Clone(a)
	if out == nil {
		out = FileEdits{}
	}
	for name, edits := range b {
		if prev := out[name]; len(prev) > 0 {
			merged, ok := udiff.Merge(prev, edits)
			if !ok {
				return nil, false
			}
			edits = merged
		}
		out[name] = edits
	}
	return out, true
}

// Files returns the names of the files that e edits, sorted.
func (e FileEdits) Files() []string { return slices.Sorted(maps.Keys(e)) }

// ApplyTo returns the content of each file that e edits, with its edits
// applied to its original content, which src returns.
func (e FileEdits) ApplyTo(src func(name string) []byte) (map[string][]byte, error) {
	out := make(map[string][]byte, len(e))
	for name, edits := range e {
		content, err := udiff.ApplyBytes(src(name), edits)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Base(name), err)
		}
		out[name] = content
	}
	return out, nil
}
