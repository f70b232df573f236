//go:build amd64 && !purego

#include "textflag.h"

// LANES defines the 32-byte read-only table name whose two 128-bit lanes
// both hold the quadwords lo, hi (in memory order).
#define LANES(name, lo, hi) \
	DATA name<>+0x00(SB)/8, lo; \
	DATA name<>+0x08(SB)/8, hi; \
	DATA name<>+0x10(SB)/8, lo; \
	DATA name<>+0x18(SB)/8, hi; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

// The tables below are indexed by VPSHUFB, which looks up each byte of a
// register in the 16 bytes of the same 128-bit lane of a table: every table
// holds its 16 bytes twice. A character c has the high nibble h = c>>4 and
// the low nibble l = c&15.
//
// Validation: hiClass[h] is the bit of h's class, loInvalid[l] the classes
// in which l is not in the alphabet; c is valid if they share no bit.
//
//	class bit  h           valid l            characters
//	0x01       2           D                  -
//	0x02       3           0–9                0–9
//	0x04       4, 6        1–F                A–O, a–o
//	0x08       5           0–A, F             P–Z, _
//	0x10       7           0–A                p–z
//	0x20       0, 1, 8–F   none               controls, bytes ≥ 0x80
//
// hiClass: 0x20 0x20 0x01 0x02 0x04 0x08 0x04 0x10, then 0x20 × 8.
LANES(hiClass, $0x1004080402012020, $0x2020202020202020)

// loInvalid: 0x25, 0x21 × 9 (1–9), 0x23 (A), 0x3B 0x3B (B C), 0x3A (D),
// 0x3B (E), 0x33 (F).
LANES(loInvalid, $0x2121212121212125, $0x333B3A3B3B232121)

// Translation: the 6-bit value of a valid c is c + offset[h], except '_'
// (0x5F, h = 5), which needs 33 more (63 - 0x5F = -32 = -65 + 33).
//
//	h   offset   characters → values
//	2   +17      - → 62
//	3   +4       0–9 → 52–61
//	4   -65      A–O → 0–14
//	5   -65      P–Z → 15–25
//	6   -71      a–o → 26–40
//	7   -71      p–z → 41–51
LANES(offset, $0xB9B9BFBF04110000, $0x0000000000000000)

LANES(nibble, $0x0F0F0F0F0F0F0F0F, $0x0F0F0F0F0F0F0F0F)

LANES(underscore, $0x5F5F5F5F5F5F5F5F, $0x5F5F5F5F5F5F5F5F)

LANES(underscoreFix, $0x2121212121212121, $0x2121212121212121)

// Packing. Four 6-bit values a b c d (in that order in memory) become the
// three bytes of a<<18 | b<<12 | c<<6 | d, most significant first:
// VPMADDUBSW with 64, 1 makes the 16-bit a<<6 | b and c<<6 | d, VPMADDWD
// with 4096, 1 the 32-bit a<<18 | b<<12 | c<<6 | d (little-endian), whose
// bytes 2, 1, 0 the shuffle takes, for the four dwords of each lane; the
// permutation then joins the lanes' 12 bytes into the low 24.
LANES(pairs, $0x0140014001400140, $0x0140014001400140)

LANES(quads, $0x0001100000011000, $0x0001100000011000)

// Bytes 2 1 0, 6 5 4, 10 9 8, 14 13 12, then four zeros (index 0x80).
LANES(bigEndian, $0x090A040506000102, $0x808080800C0D0E08)

// Dwords 0 1 2 4 5 6 (the 24 bytes), then 3 7 (zeros).
DATA joinLanes<>+0x00(SB)/8, $0x0000000100000000
DATA joinLanes<>+0x08(SB)/8, $0x0000000400000002
DATA joinLanes<>+0x10(SB)/8, $0x0000000600000005
DATA joinLanes<>+0x18(SB)/8, $0x0000000700000003
GLOBL joinLanes<>(SB), RODATA|NOPTR, $32

// func decodeBlocks(dst, src *byte, n int) int
TEXT ·decodeBlocks(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

	VMOVDQU pairs<>(SB), Y6
	VMOVDQU quads<>(SB), Y7
	VMOVDQU bigEndian<>(SB), Y8
	VMOVDQU joinLanes<>(SB), Y9
	VMOVDQU loInvalid<>(SB), Y10
	VMOVDQU hiClass<>(SB), Y11
	VMOVDQU offset<>(SB), Y12
	VMOVDQU nibble<>(SB), Y13
	VMOVDQU underscore<>(SB), Y14
	VMOVDQU underscoreFix<>(SB), Y15

loop:
	CMPQ AX, CX
	JEQ  done
	VMOVDQU (SI), Y0

	// Nibbles: a dword shift moves each byte's high nibble down (and the
	// next byte's low nibble up, which the mask removes).
	VPSRLD $4, Y0, Y1
	VPAND  Y13, Y1, Y1 // h
	VPAND  Y13, Y0, Y2 // l

	// Validate: stop before a block with any invalid character.
	VPSHUFB Y2, Y10, Y3
	VPSHUFB Y1, Y11, Y4
	VPTEST  Y3, Y4
	JNE     done

	// Translate to 6-bit values.
	VPSHUFB  Y1, Y12, Y4
	VPCMPEQB Y14, Y0, Y5
	VPAND    Y15, Y5, Y5
	VPADDB   Y5, Y4, Y4
	VPADDB   Y4, Y0, Y0

	// Pack 32 values into 24 bytes.
	VPMADDUBSW Y6, Y0, Y0
	VPMADDWD   Y7, Y0, Y0
	VPSHUFB    Y8, Y0, Y0
	VPERMD     Y0, Y9, Y0

	// Store exactly 24 bytes: 16, then 8.
	VMOVDQU      X0, (DI)
	VEXTRACTI128 $1, Y0, X1
	MOVQ         X1, 16(DI)

	ADDQ $32, SI
	ADDQ $24, DI
	INCQ AX
	JMP  loop

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

// Encoding. Each lane takes 12 bytes, four groups of three b0 b1 b2,
// which the shuffle spreads into dwords b1 b0 b2 b1: little-endian, the
// 16-bit words b0<<8 | b1 and b1<<8 | b2, the group's 24 bits in two
// overlapping windows. Then, per dword, with a b c d the four 6-bit
// values (a the highest):
//
//	a = word0 >> 10    VPMULHUW of word0 & 0xFC00 by 0x0040 (a<<10<<6>>16)
//	c = word1 >> 6     VPMULHUW of word1 & 0x0FC0 by 0x0400 (c<<6<<10>>16)
//	b = word0 >> 4     VPMULLW of word0 & 0x03F0 by 0x0010: b<<8
//	d = word1          VPMULLW of word1 & 0x003F by 0x0100: d<<8
//
// which OR into the bytes a, b, c, d. A value v becomes a character by
// adding encodeOffset[k], where k is 13 for v < 26 (A–Z), 0 for 26–51
// (a–z), and v - 51 for 52–63 (0–9, -, _).
LANES(spread, $0x0405030401020001, $0x0A0B090A07080607)

LANES(maskAC, $0x0FC0FC000FC0FC00, $0x0FC0FC000FC0FC00)

LANES(mulAC, $0x0400004004000040, $0x0400004004000040)

LANES(maskBD, $0x003F03F0003F03F0, $0x003F03F0003F03F0)

LANES(mulBD, $0x0100001001000010, $0x0100001001000010)

LANES(fiftyOne, $0x3333333333333333, $0x3333333333333333)

LANES(twentySix, $0x1A1A1A1A1A1A1A1A, $0x1A1A1A1A1A1A1A1A)

LANES(thirteen, $0x0D0D0D0D0D0D0D0D, $0x0D0D0D0D0D0D0D0D)

// encodeOffset: +71 (k 0: a–z), -4 × 10 (k 1–10: 0–9), -17 (k 11: -),
// +32 (k 12: _), +65 (k 13: A–Z).
LANES(encodeOffset, $0xFCFCFCFCFCFCFC47, $0x00004120EFFCFCFC)

// func encodeBlocks(dst, src *byte, n int)
TEXT ·encodeBlocks(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

	VMOVDQU spread<>(SB), Y6
	VMOVDQU maskAC<>(SB), Y7
	VMOVDQU mulAC<>(SB), Y8
	VMOVDQU maskBD<>(SB), Y9
	VMOVDQU mulBD<>(SB), Y10
	VMOVDQU fiftyOne<>(SB), Y11
	VMOVDQU twentySix<>(SB), Y12
	VMOVDQU thirteen<>(SB), Y13
	VMOVDQU encodeOffset<>(SB), Y14

encodeLoop:
	TESTQ CX, CX
	JZ    encodeDone

	// Bytes 0–11 into the low lane, 12–27 into the high one (12–23 used).
	VMOVDQU     (SI), X0
	VINSERTI128 $1, 12(SI), Y0, Y0
	VPSHUFB     Y6, Y0, Y0

	// The 6-bit values.
	VPAND    Y7, Y0, Y1
	VPMULHUW Y8, Y1, Y1
	VPAND    Y9, Y0, Y2
	VPMULLW  Y10, Y2, Y2
	VPOR     Y2, Y1, Y0

	// The characters.
	VPSUBUSB Y11, Y0, Y1
	VPCMPGTB Y0, Y12, Y2
	VPAND    Y13, Y2, Y2
	VPOR     Y2, Y1, Y1
	VPSHUFB  Y1, Y14, Y1
	VPADDB   Y1, Y0, Y0

	VMOVDQU Y0, (DI)
	ADDQ    $24, SI
	ADDQ    $32, DI
	DECQ    CX
	JMP     encodeLoop

encodeDone:
	VZEROUPPER
	RET
