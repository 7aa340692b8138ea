// Package write replaces files with their fixed content, atomically, and
// only when they still hold what leakfix read.
package write

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrChangedOnDisk is returned (wrapped) when the file no longer holds the content leakfix read.
var ErrChangedOnDisk = errors.New("file changed on disk since it was read")

// writeReadOnlyError reports a file or directory whose owner write permission
// bit is clear. It matches fs.ErrPermission with errors.Is.
type writeReadOnlyError string

func (e writeReadOnlyError) Error() string        { return string(e) }
func (e writeReadOnlyError) Is(target error) bool { return target == fs.ErrPermission }

// File replaces the file at path with data atomically: it resolves
// symlinks (writing through to the target, leaving the link itself a link),
// checks that the target's current content equals expected (else returns an
// error wrapping ErrChangedOnDisk, naming the path), writes data to a
// temporary file in the target's directory, fsyncs it, gives it the target's
// permission bits, and renames it over the target. On any error the original
// file is untouched and the temporary file removed. Errors name the path
// (e.g. "write foo.go: permission denied") and are *fs.PathError values with
// Op "write".
//
// File refuses, with an error matching fs.ErrPermission, to replace a
// file that lacks owner write permission or lives in a directory that lacks
// it, even when the process could do so anyway (as root can): a read-only
// mode is taken as a request not to modify the file.
//
// The content is checked a second time just before the rename, which keeps
// the window in which a concurrent edit could be lost very small, though
// it cannot close it entirely. The replacement file is a new inode: the
// owner and group of the old file are kept when the process is allowed to
// set them, but other hard links to the old file keep the old content.
func File(path string, expected, data []byte) (err error) {
	fail := func(err error) error {
		return &fs.PathError{Op: "write", Path: path, Err: writeStripPathError(err)}
	}

	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fail(err)
	}
	info, err := os.Stat(target)
	if err != nil {
		return fail(err)
	}
	if !info.Mode().IsRegular() {
		return fail(fmt.Errorf("not a regular file (mode %v)", info.Mode()))
	}
	if info.Mode().Perm()&0o200 == 0 {
		return fail(writeReadOnlyError("file is read-only"))
	}
	dir := filepath.Dir(target)
	dirInfo, err := os.Stat(dir)
	if err != nil {
		return fail(err)
	}
	if dirInfo.Mode().Perm()&0o200 == 0 {
		return fail(writeReadOnlyError(fmt.Sprintf("directory %s is read-only", dir)))
	}
	if err := writeCheckUnchanged(target, expected); err != nil {
		return fail(err)
	}

	// The leading dot keeps the go command from picking up the temporary
	// file should it ever be left behind.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".leakfix-*.tmp")
	if err != nil {
		return fail(err)
	}
	tmpName := tmp.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmpName)
		}
	}()

	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return fail(err)
	}
	writeKeepOwner(tmp, info)
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fail(err)
	}

	// Check again, as late as possible, that nobody has modified the file
	// in the meantime.
	if err := writeCheckUnchanged(target, expected); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmpName, target); err != nil {
		return fail(err)
	}
	// Make the rename itself durable. Not all systems can sync a
	// directory, and the data is already safely in place, so errors are
	// ignored.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// writeCheckUnchanged returns ErrChangedOnDisk if the file at path does not hold
// exactly expected.
func writeCheckUnchanged(path string, expected []byte) error {
	current, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(current, expected) {
		return ErrChangedOnDisk
	}
	return nil
}

// writeKeepOwner gives f the owner and group recorded in info, if they are
// known (Unix) and differ from f's. This matters when running as root in
// somebody else's tree; failures (for example an unprivileged user who
// cannot give files away) are ignored, as the file is still written
// correctly.
func writeKeepOwner(f *os.File, info fs.FileInfo) {
	uid, gid, ok := writeFileOwner(info)
	if !ok {
		return
	}
	fi, err := f.Stat()
	if err != nil {
		return
	}
	if tuid, tgid, ok := writeFileOwner(fi); ok && tuid == uid && tgid == gid {
		return
	}
	_ = f.Chown(uid, gid)
}

// writeStripPathError strips the operation and path (often those of a
// temporary file) from err, so that the caller can report the error
// against the path it was asked to write.
func writeStripPathError(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
