package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// errReadOnly is the error of a rewrite refused because the file is marked
// read-only: its owner, or everyone, has no write permission on it.
var errReadOnly = errors.New("permission denied: the file is read-only")

// rewriteFile replaces the contents of an existing file with data, so that a
// crash never leaves half a report: the new text goes to a temporary file
// beside it, which then takes its place. The file keeps its mode and owner.
// A symbolic link is followed, and a file with several names (hard links)
// is written in place so that every name keeps seeing it.
//
// A file the user may not write is left untouched: a file marked read-only
// is refused even for root, who could write it anyway, as editors do. A
// file in a folder where no temporary file can be made is refused too, with
// an error naming the file.
func rewriteFile(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if err := checkWritable(target, fi); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	uid, gid, links, known := ownerOf(fi)
	if known && links > 1 {
		return writeInPlace(path, target, data)
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("%s: cannot rewrite it: its folder %s is not writable (the new text is written beside the file, then takes its place)", path, dir)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	if err := writeAndSync(tmp, data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), fi.Mode().Perm()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if known && (uid != os.Geteuid() || gid != os.Getegid()) {
		if err := os.Chown(tmp.Name(), uid, gid); err != nil {
			// Only root may give a file away; written in place, the
			// file keeps its owner.
			return writeInPlace(path, target, data)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	done = true
	syncDir(dir)
	return nil
}

// checkWritable returns an error when the file must not be written.
func checkWritable(path string, fi fs.FileInfo) error {
	if fi.Mode().Perm()&0o222 == 0 {
		return errReadOnly
	}
	uid, _, _, known := ownerOf(fi)
	if known && uid == os.Geteuid() && fi.Mode().Perm()&0o200 == 0 {
		return errReadOnly
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return errors.New("permission denied")
		}
		return err
	}
	return f.Close()
}

// writeInPlace truncates and writes the file itself: it keeps its inode,
// owner and links, but a crash while writing would leave it short.
func writeInPlace(path, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := writeAndSync(f, data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// writeAndSync writes data to f, flushes it to disk and closes f.
func writeAndSync(f *os.File, data []byte) error {
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a folder's entries, so that a rename survives a crash.
// Some systems cannot sync a folder; the rename has happened all the same.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// createFile writes a new file at path, whole or not at all, and never over
// a file that exists: the text goes to a temporary file beside it, which is
// then linked to path (a link fails when path exists). The error wraps
// fs.ErrExist when path exists.
func createFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := createTemp(dir, filepath.Base(path), 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("%s: cannot write it: its folder %s is not writable", path, dir)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := writeAndSync(tmp, data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: already exists: %w", path, fs.ErrExist)
		}
		// A file system without hard links: create the file exclusively.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if err := writeAndSync(f, data); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	syncDir(dir)
	return nil
}

// createTemp creates a new file named like ".NAME.123456" in dir with perm
// (less the umask, as for any new file).
func createTemp(dir, name string, perm fs.FileMode) (*os.File, error) {
	for {
		p := filepath.Join(dir, "."+name+"."+strconv.Itoa(rand.IntN(1e9)))
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}
