package bench

import (
	"slices"
	"testing"
)

func TestGoPanic(t *testing.T) {
	t.Parallel()
	const crash = `some log line
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6d1a2b]

goroutine 612 [running]:
bufio.(*Writer).Flush(0xc0001c6040)
	/usr/local/go/src/bufio/bufio.go:639 +0x4b
bufio.(*Writer).WriteString(0xc0001c6040, {0xc000312000?, 0x64?})
	/usr/local/go/src/bufio/bufio.go:771 +0x9c
net/http.(*response).write(0xc0002a40e0, 0x64, {0x0, 0x0, 0x0}, {0xc000312000, 0x64})
	/usr/local/go/src/net/http/server.go:1650 +0x1d2
net/http.(*response).WriteString(...)
	/usr/local/go/src/net/http/server.go:1615
github.com/x/y.lateWriteServer.func1.1()
	/x/y/asyncwrite.go:170 +0x12
created by github.com/x/y.lateWriteServer.func1 in goroutine 611
	/x/y/asyncwrite.go:160 +0x1a5

goroutine 1 [IO wait]:
`
	cases := []struct {
		name, stderr, msg string
		frames            []string
	}{
		{"nil writer", crash, "runtime error: invalid memory address or nil pointer dereference",
			[]string{"bufio.(*Writer).Flush", "bufio.(*Writer).WriteString", "net/http.(*response).write", "net/http.(*response).WriteString"}},
		{"no panic", "goroguard-costs child: some error\n", "", nil},
		{"panic inside a line is not a crash", "log: recovered panic: x\n", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			msg, frames := goPanic(c.stderr)
			if msg != c.msg || !slices.Equal(frames, c.frames) {
				t.Errorf("goPanic = %q, %q; want %q, %q", msg, frames, c.msg, c.frames)
			}
		})
	}
}
