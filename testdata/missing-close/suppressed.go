// Sites silenced by a comment. No finding, no change.
package suppressed

import "os"

func Ignored(path string) {
	//leakfix:ignore the process exits right after
	f, err := os.Open(path)
	if err != nil {
		return
	}
	f.Stat()
}

func SameLine(path string) {
	f, err := os.Open(path) //nolint:leakfix
	if err != nil {
		return
	}
	f.Stat()
}

func InList(path string) {
	f, err := os.Open(path) //nolint:errcheck,leakfix // reviewed
	if err != nil {
		return
	}
	f.Stat()
}
