package ownership

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/ast/inspector"
)

// TestFollowPaths follows the first acquisition of each small function
// along its paths, and lists where it is left open: "return@N" for a
// return on line N, "end@N" for the end of a block on line N, "overwrite@N"
// for an assignment on line N that overwrites the last variable holding
// it. A suffix says what else reaches the exit: "+released" paths where it
// is released already, "+nil" paths where it may be nil, "+unchecked"
// paths where its error was not checked. Line 1 is the function's first
// line.
func TestFollowPaths(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		open       []string // the exits left open
		released   bool     // some path releases it or hands it on
	}{{
		name: "never released",
		body: `func f(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	_, err = f.Stat()
	return err
}`,
		open: []string{"return@7"},
	}, {
		name: "released in one branch only",
		body: `func f(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		defer resp.Body.Close()
		return errors.New(resp.Status)
	}
	if resp.StatusCode == 201 {
		return nil
	}
	return resp.Body.Close()
}`,
		open:     []string{"return@11"},
		released: true,
	}, {
		name: "aliased, wrapped into the same variable, stored",
		body: `func f(s *store, c *http.Client, u string, gz bool) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	var body io.Reader = resp.Body
	if gz {
		body, err = gzip.NewReader(body)
		if err != nil {
			return err
		}
	}
	s.r = body
	return nil
}`,
		open:     []string{"return@10"},
		released: true,
	}, {
		name: "var declared earlier, assigned with =",
		body: `func f(c *http.Client, u string) (int, error) {
	var (
		resp *http.Response
		err  error
	)
	resp, err = c.Get(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}`,
		open: []string{"return@10"},
	}, {
		name: "each assignment its own value",
		body: `func f(c *http.Client, a, b string) error {
	resp, err := c.Get(a)
	if err != nil {
		return err
	}
	resp, err = c.Get(b)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}`,
		open: []string{"overwrite@6"},
	}, {
		name: "the error checked after other statements",
		body: `func f(name string) error {
	f, err := os.Open(name)
	log.Print(name)
	if err != nil {
		return err
	}
	f.Stat()
	return nil
}`,
		open: []string{"return@8"},
	}, {
		name: "a closure that is never called releases nothing",
		body: `func f(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	_ = func() { f.Close() }
	return nil
}`,
		open: []string{"return@7"},
	}, {
		name: "a local closure releases it where it is called",
		body: `func f(name string, early bool) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	closeIt := func() { f.Close() }
	if early {
		return nil
	}
	closeIt()
	return nil
}`,
		open:     []string{"return@8"},
		released: true,
	}, {
		name: "acquired in a loop: open at the end of each iteration",
		body: `func f(names []string) {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		f.Stat()
	}
}`,
		open: []string{"end@8"},
	}, {
		name: "a doubtful use is not a release",
		body: `func f(name string, keep func(io.Reader)) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	if name == "" {
		return nil
	}
	keep(f)
	return nil
}`,
		open: []string{"return@7"},
	}, {
		name: "a closure that only reads what stays valid after a close",
		body: `func f(name string) (func() error, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	f.Stat()
	return func() error { return os.Remove(f.Name()) }, nil
}`,
		open: []string{"return@7"},
	}, {
		name: "stored in a local struct that never leaves: still open",
		body: `func f(name string) error {
	var st struct {
		f *os.File
		n int
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	st.f, st.n = f, 1
	st.f.Stat()
	return nil
}`,
		open: []string{"return@12"},
	}, {
		name: "stored in a local struct, closed through it",
		body: `func f(name string) error {
	var st struct{ r io.ReadCloser }
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	st.r = f
	return st.r.Close()
}`,
		released: true,
	}, {
		name: "stored in a local struct that is returned: handed on",
		body: `func f(name string) (*store, error) {
	var st store
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st.r = f
	return &st, nil
}`,
		released: true,
	}, {
		name: "a literal given to a function that calls it before returning",
		body: `func f(name string, names []string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	sort.Slice(names, func(i, j int) bool {
		f.Stat()
		return names[i] < names[j]
	})
	return nil
}`,
		open: []string{"return@10"},
	}, {
		name: "a nil test of the body",
		body: `func f(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	if resp.Body != nil {
		defer resp.Body.Close()
	}
	if resp.StatusCode != 200 {
		return errors.New(resp.Status)
	}
	return nil
}`,
		released: true,
	}, {
		name: "a flag says whether it was opened here",
		body: `func f(fd *os.File, name string) error {
	didOpen := false
	if fd == nil {
		var err error
		fd, err = os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		didOpen = true
	}
	if err := fd.Sync(); err != nil {
		if didOpen {
			fd.Close()
		}
		return err
	}
	if didOpen {
		return fd.Close()
	}
	return nil
}`,
		released: true,
	}, {
		name: "stored on some paths through the end of its block",
		body: `func f(s *store, name string, ok bool) {
	if ok {
		f, err := os.Open(name)
		if err != nil {
			return
		}
		if name != "" {
			s.r = f
		}
	}
}`,
		open:     []string{"end@10+released"},
		released: true,
	}, {
		name: "a condition that holds only on an error",
		body: `func f(name string) error {
	f, err := os.Open(name)
	if err != nil && os.IsPermission(err) {
		return err
	}
	f.Stat()
	return nil
}`,
		open: []string{"return@7+nil"}, // and never in the branch where err != nil
	}, {
		name: "a switch on the error",
		body: `func f(name string) error {
	f, err := os.Open(name)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return err
	}
	return f.Close()
}`,
		released: true, // and never open in the cases on the error
	}} {
		t.Run(tc.name, func(t *testing.T) {
			open, released, doubt := follow(t, tc.body)
			if !slices.Equal(open, tc.open) || released != tc.released {
				t.Errorf("open at %v, released %v; want open at %v, released %v", open, released, tc.open, tc.released)
			}
			if doubt != "" {
				// A use that blocks every fix: none of these cases has one.
				t.Errorf("doubt: %s", doubt)
			}
		})
	}
}

const header = `package p

import (
	"compress/gzip"
	"errors"
	"io"
	"log"
	"net/http"
	"os"
	"sort"
)

type store struct{ r io.Reader }

var _, _, _, _, _, _ = gzip.NewReader, errors.New, log.Print, http.Get, os.Open, sort.Slice

`

// follow type-checks body, a function, and follows its first acquisition.
func follow(t *testing.T, body string) (open []string, released bool, doubt string) {
	t.Helper()
	fset := token.NewFileSet()
	src := header + body
	file, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}, Scopes: map[ast.Node]*types.Scope{}}
	conf := types.Config{Importer: importer.Default()}
	if _, err := conf.Check("p", fset, []*ast.File{file}, info); err != nil {
		t.Fatal(err)
	}
	in := inspector.New([]*ast.File{file})
	sums := Summarize(fset, info, in, nil)
	acqs := Find(fset, info, in.Root(), With(nil), sums)
	if len(acqs) == 0 {
		t.Fatal("no acquisition")
	}
	a := acqs[0]
	j := Judge(fset, info, a, sums)
	paths, ok := FollowPaths(info, a, j)
	if !ok {
		t.Fatal("paths not followed")
	}
	first := fset.Position(file.Decls[len(file.Decls)-1].Pos()).Line - 1
	line := func(p token.Pos) int { return fset.Position(p).Line - first }
	for _, e := range paths.OpenExits() {
		// What else reaches the exit: a release there would be wrong.
		var also string
		for flag, set := range map[string]bool{"+released": e.Released, "+nil": e.MaybeNil, "+unchecked": e.Unchecked} {
			if set {
				also += flag
			}
		}
		defer func(n int) { open[n] += also }(len(open))
		switch {
		case e.Overwrite:
			open = append(open, fmt.Sprintf("overwrite@%d", line(e.Stmt.Pos())))
		case e.Stmt != nil:
			open = append(open, fmt.Sprintf("%s@%d", strings.ToLower(strings.TrimPrefix(fmt.Sprintf("%T", e.Stmt), "*ast.")[:6]), line(e.Stmt.Pos())))
		default:
			open = append(open, fmt.Sprintf("end@%d", line(e.Scope.End())))
		}
	}
	return open, paths.Released(), j.Doubt
}
