//go:build unix

package run

import "bytes"

// proc is what the process table says of a process.
type proc struct {
	pid, ppid, pgid int
	start           uint64 // clock ticks since boot; 0 where the table does not say (only Linux's does)
	zombie          bool
}

// hasEnv reports whether the environment of p has an entry that starts with prefix.
func (p *proc) hasEnv(prefix string) bool {
	env := p.environ()
	return bytes.HasPrefix(env, []byte(prefix)) || bytes.Contains(env, []byte("\x00"+prefix))
}
