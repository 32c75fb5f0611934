package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Toolchain is what of the Go toolchain a program's output may depend on.
type Toolchain struct {
	GoVersion, GOOS, GOARCH string
	BuildFlags              string // the flags every program is built with
}

// ShortLen is the number of hex digits of a fingerprint recorded in a lesson.
const ShortLen = 12

// Short returns the recorded form of a fingerprint.
func Short(fp string) string { return fp[:min(ShortLen, len(fp))] }

// fingerprint fills in the program's build key and its own fingerprint.
//
// The build key covers what the binary is made of: the program (the fence body of an inline cell, or every
// file of an src= cell's package directory), the go.mod and go.sum it builds with, and the toolchain. The
// fingerprint adds the attributes that change how the program runs. Packages that the program imports from its
// module are not covered.
func (p *Program) fingerprint(tc Toolchain, modules moduleFiles) error {
	h := sha256.New()
	fmt.Fprintf(h, "classnotes build 1\x00%s\x00%s\x00%s\x00%s\x00", tc.GoVersion, tc.GOOS, tc.GOARCH, tc.BuildFlags)
	if p.IsInline() {
		fmt.Fprintf(h, "inline\x00%d\x00", len(p.Inline))
		h.Write(p.Inline)
	} else {
		fmt.Fprintf(h, "package\x00")
		if err := hashDir(h, p.Dir); err != nil {
			return err
		}
	}
	if p.Module != "" {
		files, err := modules.get(p.Module)
		if err != nil {
			return err
		}
		h.Write(files)
	}
	p.BuildKey = hex.EncodeToString(h.Sum(nil))

	a := p.Cell.Attrs
	h = sha256.New()
	fmt.Fprintf(h, "classnotes run 1\x00%s\x00%v\x00%t\x00%v\x00", p.BuildKey, p.Timeout, a.Background, a.Ready)
	p.Fingerprint = hex.EncodeToString(h.Sum(nil))
	return nil
}

// moduleFiles holds, by module directory, what a program's build key covers of its module: go.mod and
// go.sum, as hashFile writes them. A lesson's programs mostly share one module, read once.
type moduleFiles map[string][]byte

func (m moduleFiles) get(module string) ([]byte, error) {
	if b, ok := m[module]; ok {
		return b, nil
	}
	var b bytes.Buffer
	for _, name := range []string{"go.mod", "go.sum"} {
		if err := hashFile(&b, filepath.Join(module, name), name); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	m[module] = b.Bytes()
	return m[module], nil
}

// hashDir hashes the name and contents of every regular file in dir, in name order.
func hashDir(h hash.Hash, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if err := hashFile(h, filepath.Join(dir, name), name); err != nil {
			return err
		}
	}
	return nil
}

func hashFile(h io.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "file\x00%s\x00%d\x00", name, info.Size())
	_, err = io.CopyN(h, f, info.Size())
	return err
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
	return o == nil || o.Fingerprint != Short(p.Fingerprint)
}
