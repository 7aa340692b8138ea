package fix

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// Bisection finds the fixes that break the package, in few checks, and
// keeps all the others: the first check has them all, and each bad fix
// costs about log₂(n) more.
func TestSelectBisects(t *testing.T) {
	const n = 32
	for _, bad := range [][]int{nil, {0}, {31}, {5, 6}, {3, 17, 30}} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			s := &selection{fixes: make([]FileEdits, n), why: make([]error, n)}
			checks := 0
			s.check = func(idx []int) error {
				checks++
				for _, i := range idx {
					if slices.Contains(bad, i) {
						return fmt.Errorf("fix %d breaks it", i)
					}
				}
				return nil
			}
			all := make([]int, n)
			for i := range all {
				all[i] = i
			}
			kept := s.keep(nil, all, false)
			for i := range n {
				if slices.Contains(bad, i) == slices.Contains(kept, i) {
					t.Errorf("fix %d: kept %v, bad %v", i, slices.Contains(kept, i), slices.Contains(bad, i))
				}
				if slices.Contains(bad, i) && (s.why[i] == nil || s.why[i].Error() != fmt.Sprintf("fix %d breaks it", i)) {
					t.Errorf("fix %d: why %v", i, s.why[i])
				}
			}
			// One check, and for each bad fix at most two per halving.
			if limit := 1 + 2*5*len(bad); checks > limit {
				t.Errorf("%d checks for %d bad fixes of %d, want at most %d", checks, len(bad), n, limit)
			}
		})
	}
}

// A fix whose edits overlap an earlier fix's different edits is left out;
// one whose edits are the same as an earlier one's (an import both add)
// merges with it.
func TestSelectMerges(t *testing.T) {
	imp := Edit{Start: 10, End: 10, New: "\t\"io\"\n"}
	fixes := []FileEdits{
		{"a.go": {imp, {Start: 20, End: 30, New: "one\n"}}},
		{"a.go": {imp, {Start: 40, End: 40, New: "two\n"}}},
		{"a.go": {{Start: 25, End: 35, New: "three\n"}}},
	}
	src := []byte("0123456789012345678901234567890123456789012345\n")
	var checked map[string][]byte
	s := func(name string) []byte { return src }
	merged, why := selectWith(s, fixes, func(contents map[string][]byte) error { checked = contents; return nil })
	if why[0] != nil || why[1] != nil || !errors.Is(why[2], ErrConflict) {
		t.Fatalf("why: %v", why)
	}
	want := "0123456789\t\"io\"\n0123456789one\n0123456789two\n012345\n"
	if got := string(checked["a.go"]); got != want {
		t.Errorf("checked %q, want %q", got, want)
	}
	if len(merged["a.go"]) != 3 {
		t.Errorf("merged: %v", merged)
	}
}
