package write

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Tests in this file use only File and ErrChangedOnDisk from the
// package, so that they build alongside the rest of it.

const (
	wfOld = "package p\n\nfunc f() {}\n"
	wfNew = "package p\n\nfunc f() { defer g() }\n"
)

// wfNewFile creates dir/name with wfOld and the given mode (exactly,
// regardless of umask) and returns its path.
func wfNewFile(t *testing.T, dir, name string, mode fs.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(wfOld), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// wfCheckContent fails the test unless the file at path holds want.
func wfCheckContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
}

// wfCheckMode fails the test unless the file at path has permission bits want.
func wfCheckMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

// wfCheckDir fails the test unless dir holds exactly the named
// entries (in particular, no leftover temporary files).
func wfCheckDir(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("directory %s holds %q, want %q", dir, got, want)
	}
}

// wfCheckError fails the test unless err is a non-nil error whose message
// starts with "write <path>: " and contains each of the given strings.
func wfCheckError(t *testing.T, err error, path string, contains ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("File(%s) succeeded, want error", path)
	}
	msg := err.Error()
	if prefix := "write " + path + ": "; !strings.HasPrefix(msg, prefix) {
		t.Errorf("error %q does not start with %q", msg, prefix)
	}
	for _, s := range contains {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not contain %q", msg, s)
		}
	}
}

func TestWriteFileKeepsMode(t *testing.T) {
	for _, mode := range []fs.FileMode{0o600, 0o755, 0o640, 0o666} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := wfNewFile(t, dir, "x.go", mode)
			if err := File(path, []byte(wfOld), []byte(wfNew)); err != nil {
				t.Fatal(err)
			}
			wfCheckContent(t, path, wfNew)
			wfCheckMode(t, path, mode)
			wfCheckDir(t, dir, "x.go")
		})
	}
}

func TestWriteFileRelativePath(t *testing.T) {
	dir := t.TempDir()
	wfNewFile(t, dir, "x.go", 0o644)
	t.Chdir(dir)
	if err := File("x.go", []byte(wfOld), []byte(wfNew)); err != nil {
		t.Fatal(err)
	}
	wfCheckContent(t, "x.go", wfNew)
	wfCheckDir(t, dir, "x.go")
}

func TestWriteFileEmpty(t *testing.T) {
	dir := t.TempDir()
	path := wfNewFile(t, dir, "x.go", 0o644)
	if err := File(path, []byte(wfOld), nil); err != nil {
		t.Fatal(err)
	}
	wfCheckContent(t, path, "")
	if err := File(path, nil, []byte(wfNew)); err != nil {
		t.Fatal(err)
	}
	wfCheckContent(t, path, wfNew)
	wfCheckDir(t, dir, "x.go")
}

func TestWriteFileSymlink(t *testing.T) {
	dir := t.TempDir()
	realDir := filepath.Join(dir, "real")
	if err := os.Mkdir(realDir, 0o755); err != nil {
		t.Fatal(err)
	}
	target := wfNewFile(t, realDir, "x.go", 0o640)
	// link.go -> link2.go -> real/x.go, all relative links.
	link2 := filepath.Join(dir, "link2.go")
	link := filepath.Join(dir, "link.go")
	if err := os.Symlink(filepath.Join("real", "x.go"), link2); err != nil {
		t.Skipf("cannot create symlinks: %v", err)
	}
	if err := os.Symlink("link2.go", link); err != nil {
		t.Fatal(err)
	}

	if err := File(link, []byte(wfOld), []byte(wfNew)); err != nil {
		t.Fatal(err)
	}
	wfCheckContent(t, target, wfNew)
	wfCheckMode(t, target, 0o640)
	for l, want := range map[string]string{link: "link2.go", link2: filepath.Join("real", "x.go")} {
		info, err := os.Lstat(l)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink (mode %v)", l, info.Mode())
		}
		if got, err := os.Readlink(l); err != nil || got != want {
			t.Errorf("Readlink(%s) = %q, %v; want %q", l, got, err, want)
		}
	}
	wfCheckDir(t, dir, "link.go", "link2.go", "real")
	wfCheckDir(t, realDir, "x.go")
}

func TestWriteFileSymlinkedDirectory(t *testing.T) {
	dir := t.TempDir()
	realDir := filepath.Join(dir, "real")
	if err := os.Mkdir(realDir, 0o755); err != nil {
		t.Fatal(err)
	}
	target := wfNewFile(t, realDir, "x.go", 0o644)
	if err := os.Symlink("real", filepath.Join(dir, "alias")); err != nil {
		t.Skipf("cannot create symlinks: %v", err)
	}
	if err := File(filepath.Join(dir, "alias", "x.go"), []byte(wfOld), []byte(wfNew)); err != nil {
		t.Fatal(err)
	}
	wfCheckContent(t, target, wfNew)
	wfCheckDir(t, dir, "alias", "real")
	wfCheckDir(t, realDir, "x.go")
}

func TestWriteFileChangedOnDisk(t *testing.T) {
	dir := t.TempDir()
	path := wfNewFile(t, dir, "x.go", 0o644)
	// leakfix read something else than what the file holds now.
	err := File(path, []byte("package p\n"), []byte(wfNew))
	wfCheckError(t, err, path, "changed on disk")
	if !errors.Is(err, ErrChangedOnDisk) {
		t.Errorf("error %v does not wrap ErrChangedOnDisk", err)
	}
	wfCheckContent(t, path, wfOld)
	wfCheckMode(t, path, 0o644)
	wfCheckDir(t, dir, "x.go")
}

func TestWriteFileReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := wfNewFile(t, dir, "x.go", 0o444)
	err := File(path, []byte(wfOld), []byte(wfNew))
	wfCheckError(t, err, path, "read-only")
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v does not match fs.ErrPermission", err)
	}
	if errors.Is(err, ErrChangedOnDisk) {
		t.Errorf("error %v wrongly matches ErrChangedOnDisk", err)
	}
	wfCheckContent(t, path, wfOld)
	wfCheckMode(t, path, 0o444)
	wfCheckDir(t, dir, "x.go")
}

func TestWriteFileReadOnlyDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("directory permission bits are not meaningful on Windows")
	}
	dir := t.TempDir()
	path := wfNewFile(t, dir, "x.go", 0o644)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	err := File(path, []byte(wfOld), []byte(wfNew))
	wfCheckError(t, err, path, "read-only")
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v does not match fs.ErrPermission", err)
	}
	wfCheckContent(t, path, wfOld)
	wfCheckMode(t, path, 0o644)
	wfCheckDir(t, dir, "x.go")
}

func TestWriteFileMissing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing.go")
	err := File(path, nil, []byte(wfNew))
	wfCheckError(t, err, path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not match fs.ErrNotExist", err)
	}
	wfCheckDir(t, dir)

	// A dangling symlink is not followed to create its target.
	link := filepath.Join(dir, "dangling.go")
	if err := os.Symlink("missing.go", link); err != nil {
		t.Skipf("cannot create symlinks: %v", err)
	}
	wfCheckError(t, File(link, nil, []byte(wfNew)), link)
	wfCheckDir(t, dir, "dangling.go")
}

func TestWriteFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub.go")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	wfCheckError(t, File(sub, nil, []byte(wfNew)), sub, "not a regular file")
	wfCheckDir(t, dir, "sub.go")
	wfCheckDir(t, sub)
}

// TestWriteFileKeepsOwner checks that a file written by root keeps its
// owner and group.
func TestWriteFileKeepsOwner(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		t.Skip("needs root on a Unix system")
	}
	dir := t.TempDir()
	path := wfNewFile(t, dir, "x.go", 0o644)
	const uid, gid = 4321, 8765
	if err := os.Chown(path, uid, gid); err != nil {
		t.Skipf("cannot chown: %v", err)
	}
	if err := File(path, []byte(wfOld), []byte(wfNew)); err != nil {
		t.Fatal(err)
	}
	wfCheckContent(t, path, wfNew)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(info.Sys()).Elem()
	if gotUID, gotGID := v.FieldByName("Uid").Uint(), v.FieldByName("Gid").Uint(); gotUID != uid || gotGID != gid {
		t.Errorf("owner after File = %d:%d, want %d:%d", gotUID, gotGID, uid, gid)
	}
	wfCheckDir(t, dir, "x.go")
}
