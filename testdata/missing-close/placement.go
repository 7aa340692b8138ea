// Where the close goes: after the error check, keeping comments and blank
// lines; inside function literals and case clauses; with error checks that
// end in a call that never returns.
package placement

import (
	"bufio"
	"log"
	"os"
	"testing"
)

// Count counts lines.
func Count(path string) (int, error) {
	// Open the file.
	f, err := os.Open(path) // want `never closed`
	if err != nil {
		// Say why.
		return 0, err
	} // the check

	// Scan it.
	s := bufio.NewScanner(f)
	n := 0
	for s.Scan() {
		n++
	}
	return n, s.Err()
}

func Fatal(path string) []byte {
	f, err := os.Open(path) // want `never closed`
	if err != nil {
		log.Fatalf("open: %v", err)
	}
	b := make([]byte, 10)
	f.Read(b)
	return b
}

func Helper(t *testing.T, path string) {
	f, err := os.Open(path) // want `never closed`
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f.Name())
}

func InLiteral(paths []string) {
	for _, p := range paths {
		func() {
			f, err := os.Open(p) // want `never closed`
			if err != nil {
				return
			}
			f.Stat()
		}()
	}
}

func InCase(kind int, path string) error {
	switch kind {
	case 1:
		f, err := os.Open(path) // want `never closed`
		if err != nil {
			return err
		}
		f.Stat()
	}
	return nil
}

// A comment right below the check stays below the inserted close.
func CommentBelow(path string) error {
	f, err := os.Open(path) // want `never closed`
	if err != nil {
		return err
	} /* same line */
	// below the check

	_, err = f.Stat()
	return err
}

// The close goes after the deferred removal, so that it runs first.
func Temp(t *testing.T) {
	f, err := os.CreateTemp("", "x") // want `never closed`
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	f.WriteString("data")
}
