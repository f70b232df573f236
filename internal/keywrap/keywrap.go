// Package keywrap implements the AES Key Wrap algorithm of RFC 3394 for the
// fixed sizes sessionless uses: a 32-byte content key wrapped into 40 bytes.
//
// It exists because the general implementation in go-jose
// (github.com/go-jose/go-jose/v4/cipher.KeyWrap) allocates three slices per
// call, which is a third of the allocation budget of sealing a token. Tests
// check it against RFC 3394 §4.6 and against go-jose both ways.
package keywrap

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
)

const (
	// KeySize is the size of the wrapped content key: 256 bits (n = 4 blocks).
	KeySize = 32
	// WrappedSize is KeySize plus the 8-byte integrity check value.
	WrappedSize = KeySize + 8
	// ScratchSize is the size of the scratch buffer callers provide, so that
	// wrapping allocates nothing even through the cipher.Block interface.
	ScratchSize = 16

	n = KeySize / 8
)

// defaultIV is the initial value of RFC 3394 §2.2.3.1.
var defaultIV = [8]byte{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6}

// Wrap wraps the KeySize bytes of cek under kek into dst, which must be
// WrappedSize bytes. scratch must be ScratchSize bytes. kek must be an AES
// block cipher. Wrap panics if a length is wrong (a programmer error).
func Wrap(kek cipher.Block, dst, cek, scratch []byte) {
	if len(dst) != WrappedSize || len(cek) != KeySize || len(scratch) != ScratchSize || kek.BlockSize() != 16 {
		panic("keywrap: wrong buffer size")
	}
	// dst[0:8] is the register A, dst[8:40] the registers R[1..n].
	copy(dst[:8], defaultIV[:])
	copy(dst[8:], cek)
	b := scratch
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			r := dst[8*i : 8*i+8]
			copy(b[:8], dst[:8])
			copy(b[8:], r)
			kek.Encrypt(b, b)
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(dst[:8], binary.BigEndian.Uint64(b[:8])^t)
			copy(r, b[8:])
		}
	}
}

// Unwrap unwraps the WrappedSize bytes of wrapped under kek into dst, which
// must be KeySize bytes, and reports whether the integrity check value
// matched (compared in constant time). On false, dst holds no key material.
// scratch must be ScratchSize bytes. Unwrap panics if a length is wrong.
func Unwrap(kek cipher.Block, dst, wrapped, scratch []byte) bool {
	if len(dst) != KeySize || len(wrapped) != WrappedSize || len(scratch) != ScratchSize || kek.BlockSize() != 16 {
		panic("keywrap: wrong buffer size")
	}
	var a [8]byte
	copy(a[:], wrapped[:8])
	copy(dst, wrapped[8:])
	b := scratch
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			r := dst[8*(i-1) : 8*i]
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(a[:])^t)
			copy(b[8:], r)
			kek.Decrypt(b, b)
			copy(a[:], b[:8])
			copy(r, b[8:])
		}
	}
	clear(b)
	if subtle.ConstantTimeCompare(a[:], defaultIV[:]) != 1 {
		clear(dst)
		return false
	}
	return true
}
