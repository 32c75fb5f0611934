package run

// openerArgs is the command that opens a URL, given as its last argument, in the default browser. Not
// cmd/internal/browser's "cmd /c start": cmd would read the & of a query string as a command separator;
// rundll32 hands the rest of its command line to url.dll's FileProtocolHandler as it is (os/exec quotes
// nothing in a URL without spaces or quotes).
func openerArgs() []string { return []string{"rundll32", "url.dll,FileProtocolHandler"} }
