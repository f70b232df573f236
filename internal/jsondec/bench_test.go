package jsondec

import (
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
)

// BenchmarkDecode compares Decode with jsonv2 (with token's options) on
// the Visitor of bench/: the 198-byte user, and the user with about 90
// recently viewed pages (8 KiB).
func BenchmarkDecode(b *testing.B) {
	sizes := []struct {
		name string
		data []byte
	}{
		{"200B", []byte(mustJSON(newVisitor(0)))},
		{"8KB", []byte(mustJSON(newVisitor(8 << 10)))},
	}
	d := For[Visitor]()
	decoders := []struct {
		name   string
		decode func(data []byte, v *Visitor) bool
	}{
		{"fast", d.Decode},
		{"jsonv2", func(data []byte, v *Visitor) bool { return jsonv2.Unmarshal(data, v, decodeOptions) == nil }},
	}
	for _, dec := range decoders {
		for _, size := range sizes {
			b.Run(dec.name+"/"+size.name, func(b *testing.B) {
				b.SetBytes(int64(len(size.data)))
				b.ReportAllocs()
				for b.Loop() {
					var v Visitor
					if !dec.decode(size.data, &v) {
						b.Fatal("not decoded")
					}
				}
			})
		}
	}
}
