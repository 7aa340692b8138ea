package main

import "testing"

func TestInvokedByGoCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"/tmp/go-build1/b001/vet.cfg"}, true},
		{[]string{"-json", "-missing_close=false", "/tmp/go-build1/b001/vet.cfg"}, true},
		{[]string{"-fix", "-diff", "vet.cfg"}, true},
		{nil, false},
		{[]string{"./..."}, false},
		{[]string{"-w", "a.go", "b/b.go"}, false},
		{[]string{"--version"}, false},
		{[]string{"-version"}, false},
	} {
		if got := invokedByGoCommand(tc.args); got != tc.want {
			t.Errorf("invokedByGoCommand(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
