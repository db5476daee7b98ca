package debugger

import "encoding/binary"

// HashSeed is the seed of the cell files' hash: ipykernel's, so that a
// frontend that remembers breakpoints by file name finds the same names.
const HashSeed = 0xC70F6907

// murmur2 is the 32-bit MurmurHash2 of b: the hash JupyterLab computes over
// a cell's source to name the file the kernel dumps it to (debugInfo's
// hashMethod "Murmur2"). The two sides must agree bit for bit, or a
// breakpoint set in the gutter lands in a file no program runs.
func murmur2(b []byte, seed uint32) uint32 {
	const (
		m = 0x5bd1e995
		r = 24
	)
	h := seed ^ uint32(len(b))
	for ; len(b) >= 4; b = b[4:] {
		k := binary.LittleEndian.Uint32(b)
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	switch len(b) {
	case 3:
		h ^= uint32(b[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(b[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(b[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}
