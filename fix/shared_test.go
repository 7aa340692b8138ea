package fix

import (
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
)

// helperDecl is a shared declaration that refers to io.
var helperDecl = &Shared{Name: "T", File: "x.go", Source: func(importName func(string) string) string {
	return "type T struct{ " + importName("io") + ".Reader }\n"
}}

// A declaration shared by fixes goes at the end of its file, once however
// many fixes bring it, with the import it needs (by the name the file
// gives the package, when it imports it already); SharedEdits makes the
// same change as Apply, as edits.
func TestSharedDeclaration(t *testing.T) {
	tests := []struct{ name, src, want string }{{
		name: "import added",
		src:  "package x\n\nimport \"os\"\n\nvar _ = os.Args\n",
		want: "package x\n\nimport \"os\"\nimport \"io\"\n\nvar _ = os.Args\n\ntype T struct{ io.Reader }\n",
	}, {
		name: "imported under another name",
		src:  "package x\n\nimport stdio \"io\"\n\nvar _ stdio.Writer\n",
		want: "package x\n\nimport stdio \"io\"\n\nvar _ stdio.Writer\n\ntype T struct{ stdio.Reader }\n",
	}, {
		name: "no newline at the end",
		src:  "package x\n\nimport \"io\"\n\nvar _ io.Writer",
		want: "package x\n\nimport \"io\"\n\nvar _ io.Writer\n\ntype T struct{ io.Reader }\n",
	}, {
		name: "CRLF",
		src:  "package x\r\n\r\nimport \"io\"\r\n\r\nvar _ io.Writer\r\n",
		want: "package x\r\n\r\nimport \"io\"\r\n\r\nvar _ io.Writer\r\n\r\ntype T struct{ io.Reader }\r\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := checked(t, tt.src)
			got, err := Apply(f, nil, helperDecl, helperDecl)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Apply: got %q\nwant %q", got, tt.want)
			}
			edits, err := SharedEdits(f, []*Shared{helperDecl})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := udiff.Apply(tt.src, edits); err != nil || got != tt.want {
				t.Errorf("SharedEdits: got %q (%v)\nwant %q", got, err, tt.want)
			}
		})
	}
}

// A fix's edits alone carry the shared declaration into its file, apart
// from the fix's own lines, also when these are the file's last: two
// different fixes make the identical insertion, which the analysis drivers
// merge into one.
func TestEditsAloneCarriesSharedEdits(t *testing.T) {
	src := "package x\n\nimport \"io\"\n\nvar _ io.Writer\n\nfunc f() {\n\t_ = 1\n}\n\nfunc g() {\n\t_ = 2\n}\n"
	f, file := checked(t, src)
	alone := func(fn, importPath string) []udiff.Edit {
		t.Helper()
		fx := useImport(file, fn, importPath)
		fx.Shared = helperDecl
		edits, err := EditsAlone(f, fx, f)
		if err != nil {
			t.Fatal(err)
		}
		return edits["x.go"]
	}
	inF, inG := alone("f", "os"), alone("g", "strings")
	insertion := func(edits []udiff.Edit) udiff.Edit {
		t.Helper()
		for _, e := range edits {
			if strings.Contains(e.New, "type T struct") {
				return e
			}
		}
		t.Fatalf("the fix's edits %+v lack the shared declaration", edits)
		return udiff.Edit{}
	}
	if a, b := insertion(inF), insertion(inG); a != b {
		t.Errorf("two fixes insert the declaration differently:\n%+v\n%+v", a, b)
	}
	got, err := udiff.Apply(src, inF)
	if err != nil {
		t.Fatal(err)
	}
	if want := "package x\n\nimport \"io\"\nimport \"os\"\n\nvar _ io.Writer\n\nfunc f() {\n\t_ = 1\n\tprintln(os.X)\n}\n\nfunc g() {\n\t_ = 2\n}\n\ntype T struct{ io.Reader }\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
