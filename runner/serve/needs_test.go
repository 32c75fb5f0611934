package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"classnotes/runner/internal/lessontest"
)

// TestServersDownNeeded: Run on a client offers only the servers it needs (the engine's rule) that are down, in
// the response and in the servers event: the nearest server before it of each probe kind, or those its needs=
// names; a server cell is offered none.
func TestServersDownNeeded(t *testing.T) {
	tcp, udp1, udp2 := lessontest.FreePort(t), lessontest.FreePort(t), lessontest.FreePort(t)
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", tcp), hello("tcp")) +
		cell(2, fmt.Sprintf("background ready=udp:127.0.0.1:%d", udp1), hello("udp")) +
		cell(3, fmt.Sprintf("background ready=udp:127.0.0.1:%d", udp2), hello("dns")) +
		cell(4, "", hello("client")) +
		cell(5, "needs=3", hello("dns client"))
	f := newFixture(t, false, map[string]string{"a.md": src})
	events := f.events(t)
	for _, tt := range []struct {
		cell int
		want []int
	}{
		{4, []int{1, 3}},
		{5, []int{3}},
		{3, nil},
	} {
		code, body := f.do(t, "POST", "/api/run", fmt.Sprintf(`{"lesson":"a.md","cell":%d}`, tt.cell), true)
		if code != http.StatusAccepted {
			t.Fatalf("run In [%d]: %d %s", tt.cell, code, body)
		}
		var resp struct{ Down []int }
		if err := json.Unmarshal([]byte(body), &resp); err != nil {
			t.Fatalf("run In [%d]: %v in %s", tt.cell, err, body)
		}
		if !slices.Equal(resp.Down, tt.want) {
			t.Errorf("run In [%d]: response offers %v (%s); want %v", tt.cell, resp.Down, body, tt.want)
		}
		got, _ := until(t, events, tt.cell, "end")
		var down []int
		for _, ev := range got {
			if ev.name != "servers" {
				continue
			}
			for _, n := range ev.data["down"].([]any) {
				down = append(down, int(n.(float64)))
			}
		}
		if !slices.Equal(down, tt.want) {
			t.Errorf("run In [%d]: servers event offers %v; want %v", tt.cell, down, tt.want)
		}
	}
}
