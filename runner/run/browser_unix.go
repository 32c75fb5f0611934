//go:build unix && !darwin

package run

// openerArgs is the command that opens a URL, given as its last argument, in a desktop's browser.
func openerArgs() []string { return []string{"xdg-open"} }
