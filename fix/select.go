package fix

import (
	"errors"
	"fmt"
	"go/scanner"
	"go/types"
	"slices"
)

// ErrConflict is why a fix is not applied when its edits overlap those
// of a fix applied before it: it will apply once that one is in the file.
var ErrConflict = errors.New("it changes lines that another fix changes; a later run makes it, once that fix is in")

// Select chooses which of a package's fixes to apply, each given as its
// edits (EditsAlone), and returns their edits merged, with, for each fix,
// nil when it is among them or why it is not.
//
// The fixes are merged in order, as Merge does, a fix that conflicts
// with those before it left out (ErrConflict). The package is then
// type-checked once with all of them; only when that fails are the fixes
// to leave out found, by bisection: a half that type-checks with the
// fixes kept so far is kept whole, one that does not is split, until
// the single fixes that break the package are found, so that k bad fixes
// among n cost about k·log₂(n) checks more. Earlier fixes win: a fix is
// left out when it does not type-check with those kept before it.
//
// A fix kept so type-checks alone too, as a driver that applies one
// suggested fix at a time (gopls) applies it, without a check of its own:
// what a fix needs it carries in its edits (its imports, the declaration
// it shares with others), so no fix relies on another's.
//
// src returns the original content of a file of the package, by name.
func Select(pkg Package, src func(name string) []byte, fixes []FileEdits) (FileEdits, []error) {
	return selectWith(src, fixes, func(contents map[string][]byte) error { return Check(pkg, contents) })
}

// selectWith is Select with check, which type-checks the package with
// some files' contents replaced.
func selectWith(src func(name string) []byte, fixes []FileEdits, check func(contents map[string][]byte) error) (FileEdits, []error) {
	s := &selection{fixes: fixes, why: make([]error, len(fixes))}
	s.check = func(idx []int) error {
		merged, err := s.merge(idx)
		if err != nil {
			return err
		}
		contents, err := merged.ApplyTo(src)
		if err != nil {
			return err
		}
		return check(contents)
	}
	var candidates []int
	merged := FileEdits{}
	for i, fe := range fixes {
		m, ok := Merge(merged, fe)
		if !ok {
			s.why[i] = ErrConflict
			continue
		}
		merged, candidates = m, append(candidates, i)
	}
	kept := s.keep(nil, candidates, false)
	if len(kept) == len(candidates) {
		return merged, s.why
	}
	merged, _ = s.merge(kept)
	return merged, s.why
}

type selection struct {
	fixes []FileEdits
	why   []error
	// check type-checks the package with the fixes at the indexes
	// applied.
	check func(idx []int) error
}

// keep returns kept, fixes known to type-check together, with those of
// candidates that type-check with them; failing says that kept and all
// of candidates together are known not to.
func (s *selection) keep(kept, candidates []int, failing bool) []int {
	if len(candidates) == 0 {
		return kept
	}
	try := append(slices.Clip(kept), candidates...)
	var err error
	if !failing {
		if err = s.check(try); err == nil {
			return try
		}
	}
	if len(candidates) == 1 {
		if err == nil {
			err = s.check(try) // known to fail: find out why
		}
		s.why[candidates[0]] = describe(err, s.fixes[candidates[0]])
		return kept
	}
	half := len(candidates) / 2
	withFirst := s.keep(kept, candidates[:half], false)
	// When the first half type-checks, the second one is what breaks.
	return s.keep(withFirst, candidates[half:], len(withFirst) == len(kept)+half)
}

func (s *selection) merge(idx []int) (FileEdits, error) {
	merged := FileEdits{}
	for _, i := range idx {
		m, ok := Merge(merged, s.fixes[i])
		if !ok {
			return nil, ErrConflict
		}
		merged = m
	}
	return merged, nil
}

// describe says why a fix that breaks the package is left out: its file
// (or one it edits) no longer parses or type-checks, or, when the error
// is in a file it does not edit, the package.
func describe(err error, fe FileEdits) error {
	var list scanner.ErrorList
	var terr types.Error
	switch {
	case errors.As(err, &list):
		return fmt.Errorf("the fixed file does not parse: %v", err)
	case errors.As(err, &terr):
		if tf := terr.Fset.File(terr.Pos); tf != nil && fe[tf.Name()] != nil {
			return fmt.Errorf("the fixed file does not type-check: %v", err)
		}
		return fmt.Errorf("the fixed package does not type-check: %v", err)
	}
	return err
}
