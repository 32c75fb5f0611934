package run

// openerArgs is the command that opens a URL, given as its last argument, in the default browser (as
// cmd/internal/browser does on macOS).
func openerArgs() []string { return []string{"/usr/bin/open"} }
