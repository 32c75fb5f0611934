package engine

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"classnotes/runner/files"
)

// TestWriteBackReturnsLesson: WriteBack returns the lesson as written (no front end parses it again): its
// source is the file, its cells are no longer stale, and a second WriteBack goes on from it. With nothing to
// write, it returns the lesson given.
func TestWriteBackReturnsLesson(t *testing.T) {
	e, l := load(t, cell(1, "", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"one\") }")+
		cell(2, "", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"two\") }"))
	results, err := e.Check(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	now, written, err := e.WriteBack(l, results[:1])
	if err != nil || !written {
		t.Fatalf("WriteBack: written %v, %v", written, err)
	}
	disk, err := os.ReadFile(l.Plan.File)
	if err != nil {
		t.Fatal(err)
	}
	if now == l || string(now.Source().Source) != string(disk) || !strings.Contains(string(disk), "Out [1]:") {
		t.Fatalf("the lesson returned is not the file written:\n%s", now.Source().Source)
	}
	if now.Cell(1).Stale() || !now.Cell(2).Stale() {
		t.Errorf("stale: In [1] %v, In [2] %v; want false, true", now.Cell(1).Stale(), now.Cell(2).Stale())
	}
	moved := *results[1]
	moved.Program = now.Cell(2)
	again, written, err := e.WriteBack(now, []*Result{&moved})
	if err != nil || !written || again.Cell(2).Stale() {
		t.Fatalf("second WriteBack from the lesson returned: written %v, %v", written, err)
	}
	same, written, err := e.WriteBack(again, nil)
	if err != nil || written || same != again {
		t.Errorf("nothing to write: written %v, same lesson %v, %v", written, same == again, err)
	}
}

// TestWrittenEditedMeanwhile: when the file is not what WriteBack wrote by the time it is read again (an edit
// saved in that moment), the lesson returned shows what was written but refuses any later WriteBack.
func TestWrittenEditedMeanwhile(t *testing.T) {
	e, l := load(t, cell(1, "", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"one\") }"))
	results, err := e.Check(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := []byte(string(l.Source().Source) + "\nwritten\n")
	edit := string(l.Source().Source) + "\nthe author's edit\n"
	if err := os.WriteFile(l.Plan.File, []byte(edit), 0o644); err != nil {
		t.Fatal(err)
	}
	now, err := e.written(l, out)
	if err != nil {
		t.Fatal(err)
	}
	if string(now.Source().Source) != string(out) {
		t.Errorf("source %q, want what was written", now.Source().Source)
	}
	if _, written, err := e.WriteBack(now, results); !errors.Is(err, files.ErrChanged) || written {
		t.Errorf("WriteBack over the edit: written %v, %v; want files.ErrChanged", written, err)
	}
	if disk, err := os.ReadFile(l.Plan.File); err != nil || string(disk) != edit {
		t.Errorf("the edit on disk is lost: %q, %v", disk, err)
	}
}
