//go:build unix

package files

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// sameAttrs reports whether a and b have the same mode, owner, group, number of links and status change time.
func sameAttrs(a, b fs.FileInfo) bool {
	sa, sb := a.Sys().(*syscall.Stat_t), b.Sys().(*syscall.Stat_t)
	return a.Mode() == b.Mode() && sa.Uid == sb.Uid && sa.Gid == sb.Gid && sa.Nlink == sb.Nlink && changed(a).Equal(changed(b))
}

// wOK is access(2)'s W_OK.
const wOK = 2

// writable returns ErrReadOnly when the file at path, described by info, is read-only, and ErrHardLinked when
// it has other names.
func writable(path string, info fs.FileInfo) error {
	if info.Mode().Perm()&0o222 == 0 {
		return ErrReadOnly // even for root, who passes access(2)
	}
	if err := syscall.Access(path, wOK); err != nil {
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EROFS) {
			return ErrReadOnly
		}
		return &fs.PathError{Op: "access", Path: path, Err: err}
	}
	if info.Sys().(*syscall.Stat_t).Nlink > 1 {
		return ErrHardLinked
	}
	return nil
}

// keepOwner gives f the owner and group of the file described by info, as far as the runner's user may: root
// may give both; another user keeps the group if it is one of theirs, and otherwise the file becomes theirs, as
// after any save by rename.
func keepOwner(f *os.File, info fs.FileInfo) {
	want := info.Sys().(*syscall.Stat_t)
	have, err := f.Stat()
	if err != nil {
		return // fill's Chmod or Sync will say what is wrong
	}
	if h := have.Sys().(*syscall.Stat_t); h.Uid == want.Uid && h.Gid == want.Gid {
		return
	}
	if f.Chown(int(want.Uid), int(want.Gid)) != nil {
		f.Chown(-1, int(want.Gid)) // the group alone; when that fails too, the file is the runner's user's
	}
}

// changed returns when the status of the file described by info last changed (its ctime).
func changed(info fs.FileInfo) time.Time {
	ts := ctime(info.Sys().(*syscall.Stat_t))
	return time.Unix(ts.Unix())
}

// processGone reports whether no process with this ID exists.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// renameOver renames the file at from over the file at to: rename(2), atomic on every Unix.
func renameOver(from, to string) error { return os.Rename(from, to) }
