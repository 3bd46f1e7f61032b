//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// ownerOf returns the owner, group and number of names (hard links) of a
// file, and whether the system told them.
func ownerOf(fi fs.FileInfo) (uid, gid int, links uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, false
	}
	return int(st.Uid), int(st.Gid), uint64(st.Nlink), true
}
