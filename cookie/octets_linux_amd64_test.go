//go:build linux && amd64 && !purego

package cookie

import (
	"syscall"
	"testing"
	"unsafe"
)

// TestInvalidByteAVX2StaysInBounds runs the assembly on values that begin
// just after, or end just before, a page the process may not read: a load
// outside the value would crash the test.
func TestInvalidByteAVX2StaysInBounds(t *testing.T) {
	if !useAVX2 {
		t.Skip("this CPU has no AVX2")
	}
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	for _, guard := range [][]byte{mem[:page], mem[2*page:]} {
		if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
			t.Fatal(err)
		}
	}
	usable := mem[page : 2*page]
	copy(usable, validOctets(page))
	for n := vectorBlock; n <= 200; n++ {
		for _, v := range [][]byte{usable[:n], usable[page-n:]} {
			s := unsafe.String(&v[0], n)
			if got := invalidByteAVX2(s); got != -1 {
				t.Fatalf("invalidByteAVX2 of %d valid bytes = %d; want -1", n, got)
			}
		}
	}
}
