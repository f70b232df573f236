//go:build linux

package cookie

import (
	"syscall"
	"testing"
	"unsafe"
)

// TestInvalidByteStaysInBounds runs every implementation (the assembly
// among them on a CPU with AVX2) on values that begin just after, or end
// just before, a page the process may not read: a load outside the value
// would crash the test.
func TestInvalidByteStaysInBounds(t *testing.T) {
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
	for n := 1; n <= 200; n++ {
		for _, v := range [][]byte{usable[:n], usable[page-n:]} {
			checkOctets(t, unsafe.String(&v[0], n))
		}
	}
}
