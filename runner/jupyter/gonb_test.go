package jupyter

import (
	"slices"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// importGonb imports a GoNB notebook of the given code cells (execution counts 1, 2, ...) and returns the
// skeleton, the program of its last lesson cell ("" when it has none) and its warnings.
func importGonb(t *testing.T, cells ...string) (*Skeleton, string) {
	t.Helper()
	var js []string
	for i, src := range cells {
		js = append(js, code(t, src, i+1, "[]"))
	}
	sk, err := Import("NB.ipynb", nbJSON(t, goMeta, js...))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	l, err := lesson.Parse("NB.md", sk.Lesson)
	if err != nil {
		t.Fatalf("the skeleton does not parse: %v\n%s", err, sk.Lesson)
	}
	if len(l.Cells) == 0 {
		return sk, ""
	}
	return sk, string(l.Cells[len(l.Cells)-1].Code.Text(sk.Lesson))
}

// gonbCases are GoNB notebooks and the program import makes of the last cell: what GoNB would build (its
// composer, the declarations it remembers, goimports), as a complete program.
var gonbCases = []struct {
	name     string
	cells    []string
	want     string   // the program of the last cell
	warnings []string // all the warnings
}{
	{
		name:  "carried transitively, the unused left",
		cells: []string{"func g() int { return 1 }\n\nfunc unused() {}", "func f() int { return g() + 1 }", "%%\nfmt.Println(f())"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(f())
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
func g() int { return 1 }

// From the declarations of cell 1: GoNB keeps the declarations of the cells it ran.
func f() int { return g() + 1 }
`,
	},
	{
		name:  "the latest of a name",
		cells: []string{"func f() string { return \"old\" }", "func f() string { return \"new\" }", "%%\nfmt.Println(f())"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(f())
}

// From the declarations of cell 1: GoNB keeps the declarations of the cells it ran.
func f() string { return "new" }
`,
	},
	{
		name:  "a var replaced by a func",
		cells: []string{"var f = 1", "func f() int { return 2 }", "%%\nfmt.Println(f())"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(f())
}

// From the declarations of cell 1: GoNB keeps the declarations of the cells it ran.
func f() int { return 2 }
`,
	},
	{
		name:  "a method travels with its type",
		cells: []string{"type T struct{ n int }", "func (t *T) Inc() { t.n++ }", "%%\nvar t T\nt.Inc()\nfmt.Println(t.n)"},
		want: `package main

import "fmt"

func main() {
	var t T
	t.Inc()
	fmt.Println(t.n)
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
type T struct{ n int }

// From the declarations of cell 1: GoNB keeps the declarations of the cells it ran.
func (t *T) Inc() { t.n++ }
`,
	},
	{
		name:  "a method of a type the cell declares stays behind",
		cells: []string{"type T struct{ n int }\n\nfunc (t *T) Inc() { t.n++ }", "type T int\n\nfunc main() { fmt.Println(T(1)) }"},
		want: `package main

import "fmt"

type T int

func main() { fmt.Println(T(1)) }
`,
	},
	{
		name:  "a const group whole",
		cells: []string{"type Color int\n\nconst (\n\tRed Color = iota\n\tGreen\n\tBlue\n)", "%%\nfmt.Println(Blue)"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(Blue)
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
type Color int

const (
	Red Color = iota
	Green
	Blue
)
`,
	},
	{
		name:  "a var group spec by spec",
		cells: []string{"var (\n\tx = 1\n\ty = 2\n)", "%%\nfmt.Println(y)"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(y)
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
var y = 2
`,
	},
	{
		name:  "%rm",
		cells: []string{"func f() {}\n\nfunc g() {}", "%rm f", "func main() {\n\tf()\n\tg()\n}"},
		want: `package main

func main() {
	f()
	g()
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
func g() {}
`,
	},
	{
		name:  "%rm of an import",
		cells: []string{"import str \"strings\"\n\nfunc main() { fmt.Println(str.ToUpper(\"a\")) }", "%rm str", "%%\nfmt.Println(str.ToLower(\"B\"))"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(str.ToLower("B"))
}
`,
		warnings: []string{"cell 2: line 2: `str`: not declared and not a standard package; GoNB's goimports may have found it in its module cache: add its import"},
	},
	{
		name:  "%reset",
		cells: []string{"import str \"strings\"\n\nfunc f() {}", "%reset", "%%\nf()\nfmt.Println(str.ToUpper(\"x\"))"},
		want: `package main

import "fmt"

func main() {
	f()
	fmt.Println(str.ToUpper("x"))
}
`,
		warnings: []string{"cell 2: line 3: `str`: not declared and not a standard package; GoNB's goimports may have found it in its module cache: add its import"},
	},
	{
		name:  "%reset go.mod keeps the declarations",
		cells: []string{"func f() {}", "%reset go.mod", "%%\nf()"},
		want: `package main

func main() {
	f()
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
func f() {}
`,
	},
	{
		name:  "rand.Int and rand.Reader: crypto/rand",
		cells: []string{"%%\nn, _ := rand.Int(rand.Reader, big.NewInt(6))\nfmt.Println(n)"},
		want: `package main

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

func main() {
	n, _ := rand.Int(rand.Reader, big.NewInt(6))
	fmt.Println(n)
}
`,
	},
	{
		name:  "rand.Read: crypto/rand",
		cells: []string{"%%\nb := make([]byte, 4)\nrand.Read(b)\nfmt.Println(b)"},
		want: `package main

import (
	"crypto/rand"
	"fmt"
)

func main() {
	b := make([]byte, 4)
	rand.Read(b)
	fmt.Println(b)
}
`,
	},
	{
		name:  "rand.IntN: math/rand/v2",
		cells: []string{"%%\nfmt.Println(rand.IntN(6))"},
		want: `package main

import (
	"fmt"
	"math/rand/v2"
)

func main() {
	fmt.Println(rand.IntN(6))
}
`,
	},
	{
		name:  "rand.Float64: math/rand/v2 before math/rand",
		cells: []string{"%%\nfmt.Println(rand.Float64())"},
		want: `package main

import (
	"fmt"
	"math/rand/v2"
)

func main() {
	fmt.Println(rand.Float64())
}
`,
	},
	{
		name:  "rand.Intn: math/rand",
		cells: []string{"%%\nfmt.Println(rand.Intn(6))"},
		want: `package main

import (
	"fmt"
	"math/rand"
)

func main() {
	fmt.Println(rand.Intn(6))
}
`,
	},
	{
		name:  "rand.Read and rand.NewZipf: math/rand",
		cells: []string{"%%\nb := make([]byte, 4)\nrand.Read(b)\nz := rand.NewZipf(nil, 2, 1, 10)\nfmt.Println(b, z)"},
		want: `package main

import (
	"fmt"
	"math/rand"
)

func main() {
	b := make([]byte, 4)
	rand.Read(b)
	z := rand.NewZipf(nil, 2, 1, 10)
	fmt.Println(b, z)
}
`,
	},
	{
		name:  "an earlier cell's import first",
		cells: []string{"import \"math/rand\"\n\nfunc main() { fmt.Println(rand.Intn(2)) }", "%%\nfmt.Println(rand.Int())"},
		want: `package main

import (
	"fmt"
	"math/rand"
)

func main() {
	fmt.Println(rand.Int())
}
`,
	},
	{
		name:  "scanner.GoTokens: text/scanner",
		cells: []string{"%%\nvar s scanner.Scanner\nfmt.Println(s.Mode == scanner.GoTokens)"},
		want: `package main

import (
	"fmt"
	"text/scanner"
)

func main() {
	var s scanner.Scanner
	fmt.Println(s.Mode == scanner.GoTokens)
}
`,
	},
	{
		name:  "an unknown package",
		cells: []string{"%%\nfmt.Println(widget.New())"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(widget.New())
}
`,
		warnings: []string{"cell 0: line 2: `widget`: not declared and not a standard package; GoNB's goimports may have found it in its module cache: add its import"},
	},
	{
		name:  "an unused import removed",
		cells: []string{"import (\n\t\"fmt\"\n\t\"os\"\n\t\"strings\"\n)\n\nfunc main() { fmt.Println(strings.ToUpper(\"x\")) }"},
		want: `package main

import (
	"fmt"
	"strings"
)

func main() { fmt.Println(strings.ToUpper("x")) }
`,
	},
	{
		name:  "an unused import declaration removed",
		cells: []string{"import \"os\"\n\nfunc main() { println(1) }"},
		want: `package main

func main() { println(1) }
`,
	},
	{
		name:  "an earlier cell's unused import not carried",
		cells: []string{"import \"os\"\n\nfunc main() { fmt.Println(os.Args[0]) }", "%%\nfmt.Println(1)"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(1)
}
`,
	},
	{
		name:  "dot and blank imports kept",
		cells: []string{"import (\n\t. \"fmt\"\n\t_ \"embed\"\n)\n\nfunc main() { Println(1) }"},
		want: `package main

import (
	_ "embed"
	. "fmt"
)

func main() { Println(1) }
`,
	},
	{
		name:     "func main and %%: GoNB runs the last",
		cells:    []string{"func main() { fmt.Println(1) }\n%%\nfmt.Println(2)"},
		warnings: []string{"cell 0: line 1: func main: GoNB runs the cell's last func main (line 2); this one is left out"},
		want: `package main

import "fmt"

func main() {
	fmt.Println(2)
}
`,
	},
	{
		name:     "func main and %exec: GoNB runs the last",
		cells:    []string{"// main prints one.\nfunc main() {\n\tfmt.Println(1)\n}\n\n%exec run\n\nfunc run() { fmt.Println(2) }"},
		warnings: []string{"cell 0: line 2: func main: GoNB runs the cell's last func main (line 6); this one is left out"},
		want: `package main

import "fmt"

func main() {
	run()
}

func run() { fmt.Println(2) }
`,
	},
	{
		name:  "an init_ function the cell declares again",
		cells: []string{"func init_a() { fmt.Println(\"old\") }", "func init_a() { fmt.Println(\"new\") }\n\n%%\nfmt.Println(\"main\")"},
		want: `package main

import "fmt"

func init_a() { fmt.Println("new") }

func main() {
	fmt.Println("main")
}

// GoNB runs every func init_NAME before main, in the order of their names.
func init() {
	init_a()
}
`,
	},
	{
		name:  "a method the cell declares again",
		cells: []string{"type T struct{}\n\nfunc (T) M() { fmt.Println(\"old\") }", "func (T) M() { fmt.Println(\"new\") }\n\n%%\nT{}.M()"},
		want: `package main

import "fmt"

func (T) M() { fmt.Println("new") }

func main() {
	T{}.M()
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
type T struct{}
`,
	},
	{
		name:  "generics",
		cells: []string{"func Map[T, U any](xs []T, f func(T) U) []U {\n\tvar out []U\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}\n\ntype Stack[T any] struct{ items []T }\n\nfunc (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }", "%%\ns := &Stack[int]{}\ns.Push(1)\nfmt.Println(Map(s.items, strconv.Itoa))"},
		want: `package main

import (
	"fmt"
	"strconv"
)

func main() {
	s := &Stack[int]{}
	s.Push(1)
	fmt.Println(Map(s.items, strconv.Itoa))
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
func Map[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }
`,
	},
	{
		name:  "init_ functions in the order of their names",
		cells: []string{"func init_b() { fmt.Println(\"b\") }", "func init_a() { fmt.Println(\"a\") }", "%%\nfmt.Println(\"main\")"},
		want: `package main

import "fmt"

func main() {
	fmt.Println("main")
}

// From the declarations of cell 0: GoNB keeps the declarations of the cells it ran.
func init_b() { fmt.Println("b") }

// From the declarations of cell 1: GoNB keeps the declarations of the cells it ran.
func init_a() { fmt.Println("a") }

// GoNB runs every func init_NAME before main, in the order of their names.
func init() {
	init_a()
	init_b()
}
`,
	},
	{
		name:  "%args after %%",
		cells: []string{"%%\n%args -n \"two words\"\nfmt.Println(os.Args[1:])"},
		want: `package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println(os.Args[1:])
}

// GoNB ran this cell with the arguments "-n" "two words".
func init() { os.Args = append(os.Args[:1], "-n", "two words") }
`,
	},
	{
		name:  "%args before %%: %% sets none",
		cells: []string{"%args -n 3\n%%\nfmt.Println(os.Args[1:])"},
		want: `package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println(os.Args[1:])
}
`,
	},
	{
		name:  "%exec",
		cells: []string{"func run() { fmt.Println(flag.NArg()) }\n\n%exec run 1 2"},
		want: `package main

import (
	"flag"
	"fmt"
	"os"
)

func run() { fmt.Println(flag.NArg()) }

func main() {
	flag.Parse()
	run()
}

// GoNB ran this cell with the arguments "1" "2".
func init() { os.Args = append(os.Args[:1], "1", "2") }
`,
	},
	{
		name:  "flag.Parse first",
		cells: []string{"%%\nn := flag.Int(\"n\", 1, \"times\")\nfmt.Println(*n)"},
		want: `package main

import (
	"flag"
	"fmt"
)

func main() {
	flag.Parse()
	n := flag.Int("n", 1, "times")
	fmt.Println(*n)
}
`,
	},
}

// TestImportGonbPrograms: each GoNB cell becomes the program GoNB would build, byte for byte, with the
// warnings of what the lesson cannot keep.
func TestImportGonbPrograms(t *testing.T) {
	for _, tc := range gonbCases {
		t.Run(tc.name, func(t *testing.T) {
			sk, got := importGonb(t, tc.cells...)
			if got != tc.want {
				t.Errorf("the program of the last cell:\n%s\nwant:\n%s", got, tc.want)
			}
			if !slices.Equal(sk.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", sk.Warnings, tc.warnings)
			}
		})
	}
}

// TestImportGonbDeclarations: a cell without main is no cell of the lesson but a Go block of its prose, its
// package clause left out; the cells after it carry what they use of it.
func TestImportGonbDeclarations(t *testing.T) {
	sk, got := importGonb(t, "package main\n\n// f is one.\nfunc f() int { return 1 }\n")
	if got != "" {
		t.Fatalf("a cell of declarations became a cell of the lesson:\n%s", sk.Lesson)
	}
	want := "GoNB declarations (no main: not a cell of the lesson; the cells below that use them carry them):\n\n```go\n// f is one.\nfunc f() int { return 1 }\n```\n"
	if !strings.HasSuffix(string(sk.Lesson), want) {
		t.Errorf("the skeleton:\n%s\nwant it to end with:\n%s", sk.Lesson, want)
	}
	if len(sk.Warnings) != 0 {
		t.Errorf("warnings %q, want none", sk.Warnings)
	}
}
