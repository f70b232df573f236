package jsondec

import (
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
)

// BenchmarkDecode compares Decode with jsonv2 (with token's options) on
// the Visitor of bench/: the 198-byte user, and the user with about 90
// recently viewed pages (8 KiB). Each iteration decodes into a new zero
// Visitor, as token.Open does.
func BenchmarkDecode(b *testing.B) {
	sizes := []struct {
		name string
		data []byte
	}{
		{"200B", []byte(mustJSON(newVisitor(0)))},
		{"8KB", []byte(mustJSON(newVisitor(8 << 10)))},
	}
	d := For[Visitor]()
	for _, size := range sizes {
		b.Run("fast/"+size.name, func(b *testing.B) {
			b.SetBytes(int64(len(size.data)))
			b.ReportAllocs()
			for b.Loop() {
				var v Visitor // Decode keeps it on the stack
				if !d.Decode(size.data, &v) {
					b.Fatal("not decided")
				}
			}
		})
	}
	for _, size := range sizes {
		b.Run("jsonv2/"+size.name, func(b *testing.B) {
			b.SetBytes(int64(len(size.data)))
			b.ReportAllocs()
			for b.Loop() {
				var v Visitor // escapes: one allocation of jsonv2's
				if err := jsonv2.Unmarshal(size.data, &v, Options); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
