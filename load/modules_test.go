package load

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// GroupByModule keeps every argument in one group, from the given
// directory, when the named files are in its module; files of other
// modules go to a group of their own, by absolute path, run from their
// module's directory; a workspace that covers both makes them one group.
func TestGroupByModule(t *testing.T) {
	t.Setenv("GOWORK", "")
	t.Setenv("GOFLAGS", "")
	root := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("svc/go.mod", "module example.com/svc\n\ngo 1.22\n")
	write("svc/a/a.go", "package a\n")
	write("svc/b/b.go", "package b\n")
	write("svc/nested/go.mod", "module example.com/nested\n\ngo 1.22\n")
	nested := write("svc/nested/n.go", "package nested\n")
	write("tools/go.mod", "module example.com/tools\n\ngo 1.22\n")
	tools := write("tools/t.go", "package tools\n")
	svc := filepath.Join(root, "svc")

	for _, tc := range []struct {
		name string
		dir  string
		args []string
		want []ArgGroup
	}{
		{
			name: "one module",
			dir:  svc,
			args: []string{"./...", "a/a.go", "b/b.go"},
			want: []ArgGroup{{Dir: svc, Args: []string{"./...", "a/a.go", "b/b.go"}}},
		},
		{
			name: "a nested module and another",
			dir:  svc,
			args: []string{"a/a.go", "../tools/t.go", "nested/n.go", "b/b.go"},
			want: []ArgGroup{
				{Dir: svc, Args: []string{"a/a.go", "b/b.go"}},
				{Dir: filepath.Join(root, "tools"), Args: []string{tools}},
				{Dir: filepath.Join(svc, "nested"), Args: []string{nested}},
			},
		},
		{
			name: "from a directory in no module",
			dir:  root,
			args: []string{"svc/a/a.go", "tools/t.go", "svc/b/b.go"},
			want: []ArgGroup{
				{Dir: svc, Args: []string{filepath.Join(svc, "a", "a.go"), filepath.Join(svc, "b", "b.go")}},
				{Dir: filepath.Join(root, "tools"), Args: []string{tools}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GroupByModule(Config{Dir: tc.dir}, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("GroupByModule(%v) =\n%v\nwant\n%v", tc.args, got, tc.want)
			}
		})
	}

	t.Run("workspace", func(t *testing.T) {
		write("go.work", "go 1.22\n\nuse (\n\t./svc\n\t./tools\n)\n")
		args := []string{"svc/a/a.go", "tools/t.go"}
		got, err := GroupByModule(Config{Dir: root}, args)
		if err != nil {
			t.Fatal(err)
		}
		if want := []ArgGroup{{Dir: root, Args: args}}; !reflect.DeepEqual(got, want) {
			t.Errorf("GroupByModule(%v) =\n%v\nwant\n%v", args, got, want)
		}
	})
}
