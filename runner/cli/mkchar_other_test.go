//go:build !linux

package cli

import "errors"

// mkchar is Linux's only: device numbers are encoded differently elsewhere, and the tests that use it skip.
func mkchar(path string, major, minor int) error { return errors.ErrUnsupported }
