package logscan

import (
	"bytes"
	"testing"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

func benchmarkDecode(b *testing.B, format string) {
	data, _ := generate(b, loggen.Default(format, 20000))
	f, err := detect(data[:64<<10], detectOptions{fileName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	d := f.newDecoder()
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	b.SetBytes(int64(len(data)))
	var r record
	for b.Loop() {
		for _, l := range lines {
			r = record{}
			if !d.decode(l, &r) {
				b.Fatalf("cannot decode %q", l)
			}
		}
	}
}

func BenchmarkDecodeCombined(b *testing.B) { benchmarkDecode(b, loggen.Combined) }
func BenchmarkDecodeJSON(b *testing.B)     { benchmarkDecode(b, loggen.JSON) }
