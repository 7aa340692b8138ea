//go:build unix

package write

import (
	"io/fs"
	"syscall"
)

// writeFileOwner returns the owner and group of the file info describes,
// so a rewrite by root keeps a user's file theirs.
func writeFileOwner(info fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}
