package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/lesson"
)

// list prints each lesson and its cells.
func (a *App) list(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	e, closeEngine, err := a.engine("list", fs)
	if err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	lessons, ok := a.loadAll(e, args)
	for _, l := range lessons {
		cells := l.Source().Cells
		fmt.Fprintf(a.Stdout, "%s: %d cells\n", l.Name, len(cells))
		for _, c := range cells {
			recorded := "output recorded"
			if c.Out == nil {
				recorded = "no output recorded"
			}
			fmt.Fprintf(a.Stdout, "  In [%d]\tline %d\t%s\t%s\n", c.Number, c.Pos.Line, attrString(c.Attrs), recorded)
		}
	}
	if !ok {
		return exitBadInput
	}
	return exitOK
}

// attrString shows a cell's attributes as written, starting with "inline" for a cell without src=.
func attrString(a lesson.Attrs) string {
	var s []string
	if a.Src == "" {
		s = append(s, "inline")
	}
	for _, at := range a.List {
		switch {
		case at.Bare:
			s = append(s, at.Key)
		case strings.ContainsAny(at.Value, " \t\""):
			s = append(s, at.Key+"="+strconv.Quote(at.Value))
		default:
			s = append(s, at.Key+"="+at.Value)
		}
	}
	return strings.Join(s, " ")
}
