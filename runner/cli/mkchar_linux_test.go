package cli

import "syscall"

// mkchar makes a character device node with Linux's numbers major, minor (1, 3: the null device), which needs
// root.
func mkchar(path string, major, minor int) error {
	return syscall.Mknod(path, syscall.S_IFCHR|0o666, major<<8|minor)
}
