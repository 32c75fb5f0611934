//go:build windows

package files

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// What Windows gives the guard: no owner, group or status change time in a FileInfo (its Sys is a
// Win32FileAttributeData: attributes and times), a read-only attribute that Go shows as mode 0444, a number
// of links only through an open handle, and a rename that fails while another program has the file open
// without FILE_SHARE_DELETE (an editor, a virus scanner, an indexer), for a moment.

// sameAttrs reports whether a and b have the same mode, attributes and creation time.
func sameAttrs(a, b fs.FileInfo) bool {
	sa, sb := a.Sys().(*syscall.Win32FileAttributeData), b.Sys().(*syscall.Win32FileAttributeData)
	return a.Mode() == b.Mode() && sa.FileAttributes == sb.FileAttributes && sa.CreationTime == sb.CreationTime
}

// writable returns ErrReadOnly when the file at path, described by info, has the read-only attribute, and
// ErrHardLinked when it has other names.
func writable(path string, info fs.FileInfo) error {
	if info.Mode().Perm()&0o222 == 0 {
		return ErrReadOnly
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var d windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(windows.Handle(f.Fd()), &d); err != nil {
		return &fs.PathError{Op: "GetFileInformationByHandle", Path: path, Err: err}
	}
	if d.NumberOfLinks > 1 {
		return ErrHardLinked
	}
	return nil
}

// keepOwner does nothing on Windows: the new file takes the access control list its directory gives it, as
// after any save by rename.
func keepOwner(f *os.File, info fs.FileInfo) {}

// changed returns when the file described by info was last written: Windows keeps no status change time.
func changed(info fs.FileInfo) time.Time { return info.ModTime() }

// processGone reports whether no process with this ID is running.
func processGone(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_INVALID_PARAMETER) // no such process; access denied: it exists
	}
	defer windows.CloseHandle(h)
	var code uint32
	return windows.GetExitCodeProcess(h, &code) == nil && code != 259 // STILL_ACTIVE
}

// renameRetry bounds how long renameOver tries again, as cmd/internal/robustio does.
const renameRetry = 2 * time.Second

// renameOver renames the file at from over the file at to (MoveFileEx with MOVEFILE_REPLACE_EXISTING, through
// os.Rename), and tries again for up to two seconds, with growing random pauses, while it fails with an error
// that waiting may cure: the errors cmd/internal/robustio takes for ephemeral (access denied, file not found,
// sharing violation), which a program holding either file open for a moment causes. It returns the last error.
func renameOver(from, to string) error {
	start, pause := time.Now(), time.Millisecond
	for {
		err := os.Rename(from, to)
		if err == nil || !ephemeral(err) || time.Since(start)+pause >= renameRetry {
			return err
		}
		time.Sleep(pause)
		pause += rand.N(pause)
	}
}

// ephemeral reports whether err may go away by waiting (cmd/internal/robustio's isEphemeralError).
func ephemeral(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case windows.ERROR_ACCESS_DENIED, windows.ERROR_FILE_NOT_FOUND, windows.ERROR_SHARING_VIOLATION:
		return true
	}
	return false
}
