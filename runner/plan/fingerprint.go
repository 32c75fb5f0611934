package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
)

// Toolchain is what of the Go toolchain and the build's settings a binary may depend on.
type Toolchain struct {
	GoVersion, GOOS, GOARCH string
	BuildFlags              string // the flags every program is built with
	BuildEnv                string // the environment's build settings (CGO_ENABLED, GOFLAGS, GOAMD64...), as KEY=VALUE lines
}

// ShortLen is the number of hex digits of a fingerprint recorded in a lesson.
const ShortLen = 12

// Short returns the recorded form of a fingerprint.
func Short(fp string) string { return fp[:min(ShortLen, len(fp))] }

// fingerprint fills in the program's build key, run key and fingerprint.
//
// Both start from the sources: the program (the fence body of an inline cell, or the files of an src= cell's
// package directory), the packages of its module (or of directories its go.mod or go.work puts in its place)
// that it imports, transitively, by their files, the required modules whose packages it imports, transitively,
// by path and version, and the go, toolchain and godebug lines of its go.mod. Nothing else of go.mod and go.sum
// counts: a requirement that no cell's imports reach changes no cell.
//
// The build key is what the binary is made of: the sources, the Go version (go1.26.8), the target (GOOS and
// GOARCH), the flags and the environment's build settings. Executables are cached by it.
//
// The fingerprint is what the recorded output is trusted to follow, on every platform: the sources, the Go
// release (go1.26: a patch release does not change what a program prints), the flags and the attributes that
// change how the program runs. The target is in it only for a cell marked platform, whose output differs from
// one OS to another: a co-teacher on a Mac renders the other cells to the same fp= words as on Linux.
//
// The run key, by which a cell's run is cached, is both: a run is reused only for the very same binary.
func (p *Program) fingerprint(tc Toolchain, d *deps) error {
	src := sha256.New()
	io.WriteString(src, "classnotes sources 2\x00")
	var imports []string
	if p.IsInline() {
		fmt.Fprintf(src, "inline\x00%d\x00", len(p.Inline))
		src.Write(p.Inline)
		imports = fileImports("main.go", p.Inline)
	} else {
		info := d.dir(p.Dir, true)
		if info.err != nil {
			return info.err
		}
		fmt.Fprintf(src, "package\x00%x\x00", info.digest)
		imports = info.imports
	}
	if p.Module != "" {
		lines, dirs, err := d.digest(p.Module, imports)
		if err != nil {
			return err
		}
		p.Packages = dirs
		fmt.Fprintf(src, "module\x00%d\x00", len(lines))
		src.Write(lines)
	}
	sources := src.Sum(nil)

	h := sha256.New()
	fmt.Fprintf(h, "classnotes build 2\x00%x\x00%s\x00%s\x00%s\x00%s\x00%s\x00", sources, tc.GoVersion, tc.GOOS, tc.GOARCH, tc.BuildFlags, tc.BuildEnv)
	p.BuildKey = hex.EncodeToString(h.Sum(nil))

	a := p.Cell.Attrs
	h = sha256.New()
	fmt.Fprintf(h, "classnotes run 2\x00%x\x00%s\x00%s\x00%v\x00%t\x00%v\x00", sources, cmp.Or(Release(tc.GoVersion), tc.GoVersion), tc.BuildFlags, p.Timeout, a.Background, a.Ready)
	if a.Platform {
		fmt.Fprintf(h, "platform\x00%s\x00%s\x00", tc.GOOS, tc.GOARCH)
	}
	p.Fingerprint = hex.EncodeToString(h.Sum(nil))
	return nil
}

// Release returns the Go release, the language version, of a toolchain version: go1.26 for go1.26.8 and
// go1.26rc2; "" when it is not a release's (a development toolchain). The fingerprint covers it (the version
// itself for a development toolchain), and build gives it to the cells it builds together.
func Release(goVersion string) string {
	if m := releaseRE.FindStringSubmatch(goVersion); m != nil {
		return m[1]
	}
	return ""
}

var releaseRE = regexp.MustCompile(`^(go1\.[0-9]+)(\.[0-9]+|rc[0-9]+)?$`)

// runKey sets p.RunKey from its fingerprint (after groupServers) and build key.
func (p *Program) runKey() {
	h := sha256.New()
	fmt.Fprintf(h, "classnotes run key 1\x00%s\x00%s\x00", p.Fingerprint, p.BuildKey)
	p.RunKey = hex.EncodeToString(h.Sum(nil))
}

// groupServers makes the fingerprints of a lesson's server and client cells depend on each other: from the
// first background cell on, cells run together (a client talks to the servers before it, and a server's output
// shows the clients after it), so a change to any of them makes all of them stale.
func (pl *Plan) groupServers() {
	first := -1
	for i, p := range pl.Programs {
		if p.Cell.Attrs.Background {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	h := sha256.New()
	io.WriteString(h, "classnotes group 1\x00")
	for _, p := range pl.Programs[first:] {
		fmt.Fprintf(h, "%s\x00", p.Fingerprint)
	}
	group := h.Sum(nil)
	for i, p := range pl.Programs[first:] {
		h := sha256.New()
		fmt.Fprintf(h, "%x\x00%d\x00%s", group, i, p.Fingerprint)
		p.Fingerprint = hex.EncodeToString(h.Sum(nil))
		p.Group = true
	}
}

// Stale reports whether the output recorded for p is missing or was made from other code.
func (p *Program) Stale() bool {
	o := p.Cell.Out
	if p.Expected() {
		return false // an exercise's expected output, in a handout: not made from the student's code
	}
	return o == nil || o.Fingerprint != Short(p.Fingerprint)
}
