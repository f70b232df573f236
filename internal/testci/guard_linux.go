package testci

import (
	"syscall"
	"testing"
)

// GuardedPage returns one page of memory, readable and writable, between
// two pages the process may not touch, for tests of loops that must not
// read or write outside their input (the AVX2 loops of internal/b64 and
// cookie): a load or store past either end crashes the test. It is unmapped
// when the test ends.
func GuardedPage(t testing.TB) []byte {
	t.Helper()
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
	return mem[page : 2*page : 2*page]
}
