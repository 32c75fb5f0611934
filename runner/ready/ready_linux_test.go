package ready

import "testing"

func TestParseAddr(t *testing.T) {
	tests := map[string]string{
		"0100007F:1F90":                         "127.0.0.1:8080",
		"00000000:0035":                         "0.0.0.0:53",
		"00000000000000000000000001000000:0016": "[::1]:22",
		"0000000000000000FFFF00000100007F:01BB": "[::ffff:127.0.0.1]:443",
	}
	for in, want := range tests {
		got, err := parseAddr(in)
		if err != nil || got.String() != want {
			t.Errorf("parseAddr(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseAddr("zz:1"); err == nil {
		t.Errorf("parseAddr accepted a malformed address")
	}
}
