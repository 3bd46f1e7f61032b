//go:build unix

package sqlstore

import "syscall"

// mayWrite reports whether this process may write to the file or folder at
// path, as the system would decide (it lets root write anything on a
// writable file system).
func mayWrite(path string) bool {
	const wOK = 2 // W_OK of access(2)
	return syscall.Access(path, wOK) == nil
}
