package run

import (
	"os/exec"
	"strings"
)

// Opener returns the command that opens a page in the user's browser here, as OpenBrowser runs it (xdg-open,
// /usr/bin/open on macOS, rundll32 url.dll,FileProtocolHandler on Windows), or why there is none.
func Opener() (string, error) {
	args := openerArgs()
	path, err := exec.LookPath(args[0])
	if err != nil {
		return "", err
	}
	return strings.Join(append([]string{path}, args[1:]...), " "), nil
}

// OpenBrowser asks the system's opener to open url in the user's browser, a program the runner starts for
// itself (StartForeign): it is not ended with anything, and what it starts is never taken for a cell's.
func OpenBrowser(url string) error {
	args := openerArgs()
	return StartForeign(exec.Command(args[0], append(args[1:], url)...))
}
