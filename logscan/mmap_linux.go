//go:build linux

package logscan

import (
	"os"
	"syscall"
)

// mapFile maps a regular file into memory, or returns nil when it cannot
// (not a regular file, empty, or too large for the address space). Reading
// through the mapping spares the copy from the page cache that read makes.
func mapFile(f *os.File) []byte {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 || st.Size() > 1<<46 {
		return nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	// Not MADV_SEQUENTIAL: it lets the kernel drop the pages from the page
	// cache once read, which makes the next run read the disk again.
	_ = syscall.Madvise(data, syscall.MADV_WILLNEED)
	return data
}

// unmapFile releases a mapping made by mapFile.
func unmapFile(data []byte) { _ = syscall.Munmap(data) }

// releasePages tells the kernel that the whole pages inside part of a
// mapping are no longer needed, so that they stop counting in the resident
// set; they stay in the page cache.
func releasePages(mapping []byte, from, to int) {
	const page = 4096
	from = (from + page - 1) &^ (page - 1)
	to &^= page - 1
	if to > from {
		_ = syscall.Madvise(mapping[from:to], syscall.MADV_DONTNEED)
	}
}
