// Package privatefile opens the files in which Consent Desk keeps personal
// data and what it will send with the agent's key (the journal, the sandbox
// database) so that another local user can neither read them nor slip
// entries into them: never through a symbolic link, only a regular file of
// this user's that no one else may read or write, in a directory of this
// user's that no one else may write.
package privatefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// UnsafeError is a file or directory refused because others could read or
// change it. Reason says what is wrong and what to do about it.
type UnsafeError struct {
	Path   string
	Reason string
}

func (e *UnsafeError) Error() string { return e.Path + " " + e.Reason }

// OpenFile opens path as os.OpenFile does, with flag and, for a new file,
// perm, but never through a symbolic link (not even a dangling one), and
// then checks the opened file itself: a regular file of this user's that
// no one else may write. Read bits for others are removed on the open
// descriptor (a file that leaked is closed again); write bits, another
// owner or anything but a regular file are refused.
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	if noFollow == 0 && isLink(path) {
		return nil, &UnsafeError{path, "is a symbolic link: refusing to open it (remove the link)"}
	}
	f, err := os.OpenFile(path, flag|noFollow, perm)
	if err != nil {
		if isLink(path) {
			return nil, &UnsafeError{path, "is a symbolic link: refusing to open it (remove the link)"}
		}
		return nil, err
	}
	if err := checkOpen(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkOpen checks an open file: regular, this user's, no one else may
// write it; read bits for others are removed.
func checkOpen(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if err := checkMode(f.Name(), fi, false); err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(fi.Mode().Perm() &^ 0o077); err != nil {
			return fmt.Errorf("%s: removing other users' access: %w", f.Name(), err)
		}
	}
	return nil
}

// CheckExisting checks a file that another program will open by name (the
// SQLite database's -wal and -shm companions): when it exists, it must not
// be a symbolic link, and it must be a regular file of this user's that no
// one else may write; read bits for others are removed. A file that does
// not exist is fine.
func CheckExisting(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return &UnsafeError{path, "is a symbolic link: refusing to use it (remove the link)"}
	}
	if err := checkMode(path, fi, false); err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return os.Chmod(path, fi.Mode().Perm()&^0o077)
	}
	return nil
}

// Dir creates dir (0700, with its parents) when it does not exist, and
// checks it: a directory of this user's that no one else may write. One
// that others may write (0777, or sticky like /tmp) is refused with how to
// fix it: files may have been planted in it. (One they may only list is
// used: the files in it are 0600.)
func Dir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	return checkMode(dir, fi, true)
}

// checkMode refuses what another user could change.
func checkMode(path string, fi fs.FileInfo, dir bool) error {
	switch {
	case dir && !fi.IsDir():
		return &UnsafeError{path, "is not a directory"}
	case !dir && !fi.Mode().IsRegular():
		return &UnsafeError{path, fmt.Sprintf("is not a regular file (%s): refusing to use it", fi.Mode().Type())}
	}
	if owner, ok := ownerOf(fi); ok && owner != os.Geteuid() {
		return &UnsafeError{path, fmt.Sprintf("belongs to another user (uid %d): Consent Desk keeps personal data only in files of your own", owner)}
	}
	perm := fi.Mode().Perm()
	switch {
	case perm&0o022 != 0:
		what := "file"
		if dir {
			what = "directory"
		}
		return &UnsafeError{path, fmt.Sprintf("can be written by other users (mode %04o): they could have changed what this %s holds; check it, then run chmod go-rwx %s", perm, what, path)}
	}
	return nil
}

// isLink reports whether path is a symbolic link.
func isLink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}
