package display

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// gobGuard hands encoding/gob a program's display stream one value at a
// time, each value checked first, the way gob's decoder will read it, and
// passed on unchanged.
//
// gob trusts the counts a stream announces: a map is made as large as its
// count says before any element is read (a 236-byte message can ask for
// gigabytes), and values nest as deep as the stream likes (interface values
// that hold structs that hold interface values...), each level a few frames
// of the decoder's stack. Either would end the kernel with a fatal error that
// no recover catches. The guard walks each value without allocating for it:
// a map passes only once its elements are really there, nesting stops at
// maxNesting, the map elements of one value at maxMapEntries and its size at
// the limit.
//
// The walk follows gob's decoder (encoding/gob's decodeTypeSequence,
// decodeStruct, decodeSingle, decodeInterface): a value may span messages,
// because type definitions for what an interface holds can arrive in
// messages of their own in the middle of it.
type gobGuard struct {
	r     *bufio.Reader
	limit uint64 // bytes of one value, with its type definitions

	types map[uint64]*wireDef // the stream's type definitions by id

	raw     bytes.Buffer // the messages of the value being checked
	buf     []byte       // the unread part of the current message
	entries uint64       // map elements announced in the value so far

	out []byte // checked bytes gob has not read yet
	err error  // sticky: the stream cannot go on
}

// maxMessage bounds one value of a display stream, with the type
// definitions sent for it. gob itself accepts messages up to a gigabyte; a
// display bigger than this is a bug in the program (Jupyter would not accept
// it either).
const maxMessage = 64 << 20

// Limits of one value of a display stream. gonbui sends a few maps of a few
// entries (MIME types, metadata, comm values) nested three or four deep.
const (
	maxNesting    = 64
	maxMapEntries = 1 << 20
)

// The wire type ids gob predefines (encoding/gob's type.go); the stream's
// own types start at firstUserType.
const (
	tBool, tInt, tUint, tFloat, tBytes, tString, tComplex, tInterface = 1, 2, 3, 4, 5, 6, 7, 8
	firstUserType                                                     = 64
	// tooBig is gob's own bound for a message.
	tooBig = 1 << 30
)

// A wireDef is one type definition of the stream (gob's wireType).
type wireDef struct {
	kind   byte   // 'a'rray, 's'lice, 't' struct, 'm'ap, 'g': a GobEncoder or marshaler's bytes
	elem   uint64 // array, slice and map elements
	key    uint64 // map keys
	length uint64 // arrays
	fields []uint64
}

// errMalformed marks the guard's refusals.
var errMalformed = errors.New("malformed display message")

// malformed is a refusal of the guard.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errMalformed}, args...)...)
}

// errTruncated: a value ends inside a number, a string or a struct.
var errTruncated = malformed("truncated")

func newGobGuard(r io.Reader, limit uint64) *gobGuard {
	return &gobGuard{r: bufio.NewReader(r), limit: limit, types: map[uint64]*wireDef{}}
}

func (g *gobGuard) Read(p []byte) (int, error) {
	if len(g.out) == 0 && g.err == nil {
		g.err = g.next()
		g.out = g.raw.Bytes()
	}
	if len(g.out) > 0 {
		n := copy(p, g.out)
		g.out = g.out[n:]
		return n, nil
	}
	return 0, g.err
}

// next checks the next top-level value and leaves its messages in raw.
// io.EOF means the stream ended cleanly between values.
func (g *gobGuard) next() error {
	if g.raw.Cap() > 4<<20 {
		g.raw = bytes.Buffer{} // do not keep a large picture's buffer for the rest of the run
	}
	g.raw.Reset()
	g.buf, g.entries = nil, 0
	id, err := g.typeSequence(false)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			g.raw.Reset() // nothing of a bad value reaches gob
		}
		return err
	}
	if err := g.value(id, 0); err != nil {
		g.raw.Reset()
		return err
	}
	return nil
}

// message reads the next message of the stream into buf.
func (g *gobGuard) message() error {
	first, err := g.r.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) && g.raw.Len() > 0 {
			return io.ErrUnexpectedEOF // in the middle of a value
		}
		return err
	}
	var wide [8]byte
	count, rest := uint64(first), wide[:0]
	if first > 0x7f {
		// A count of n bytes is introduced by the byte -n.
		n := -int(int8(first))
		if n > 8 {
			return malformed("a message count introduced by byte %#x", first)
		}
		rest = wide[:n]
		if _, err := io.ReadFull(g.r, rest); err != nil {
			return cut(err)
		}
		count = 0
		for _, c := range rest {
			count = count<<8 | uint64(c)
		}
	}
	size := uint64(g.raw.Len()) + 1 + uint64(len(rest)) + count
	if count >= tooBig || size > g.limit {
		return fmt.Errorf("display message of %d bytes exceeds the %d byte limit", size, g.limit)
	}
	g.raw.WriteByte(first)
	g.raw.Write(rest)
	body := g.raw.Len()
	if _, err := io.CopyN(&g.raw, g.r, int64(count)); err != nil {
		return cut(err)
	}
	g.buf = g.raw.Bytes()[body:]
	return nil
}

// cut is the error of a stream that stops inside a message: the end of the
// stream means the program ended mid-write; other errors (the channel was
// closed, a deadline) pass as they are.
func cut(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// uint reads one gob unsigned integer from the current message.
func (g *gobGuard) uint() (uint64, error) {
	if len(g.buf) == 0 {
		return 0, errTruncated
	}
	b := g.buf[0]
	if b <= 0x7f {
		g.buf = g.buf[1:]
		return uint64(b), nil
	}
	n := -int(int8(b))
	if n > 8 {
		return 0, malformed("a number of %d bytes", n)
	}
	if len(g.buf) < n+1 {
		return 0, errTruncated
	}
	var v uint64
	for _, c := range g.buf[1 : n+1] {
		v = v<<8 | uint64(c)
	}
	g.buf = g.buf[n+1:]
	return v, nil
}

// int reads one gob signed integer: the sign in the low bit.
func (g *gobGuard) int() (int64, error) {
	u, err := g.uint()
	if u&1 != 0 {
		return ^int64(u >> 1), err
	}
	return int64(u >> 1), err
}

// skip reads a count and that many bytes (strings, byte slices, names).
func (g *gobGuard) skip(max uint64) error {
	n, err := g.uint()
	if err != nil {
		return err
	}
	if n > uint64(len(g.buf)) || n > max {
		return malformed("%d bytes announced, %d there", n, len(g.buf))
	}
	g.buf = g.buf[n:]
	return nil
}

// typeSequence reads type definitions until a type id, as gob's
// decodeTypeSequence does; in an interface value the definitions sit in
// the middle of the enclosing value.
func (g *gobGuard) typeSequence(inInterface bool) (uint64, error) {
	for {
		if len(g.buf) == 0 {
			if err := g.message(); err != nil {
				return 0, err
			}
		}
		id, err := g.int()
		if err != nil {
			return 0, err
		}
		if id >= 0 {
			return uint64(id), nil
		}
		if err := g.define(uint64(-id)); err != nil {
			return 0, err
		}
		if len(g.buf) > 0 {
			if !inInterface {
				return 0, malformed("extra data after a type definition")
			}
			if _, err := g.uint(); err != nil { // the count of the value that follows
				return 0, err
			}
		}
	}
}

// fields reads a struct of the wire format: field number deltas, each
// followed by the field, ended by a zero delta or the message's end.
// field reads field number i; n is the number of fields.
func (g *gobGuard) fields(n int, field func(i int) error) error {
	num := -1
	for len(g.buf) > 0 {
		delta, err := g.uint()
		if err != nil {
			return err
		}
		if delta == 0 {
			return nil
		}
		if delta > uint64(n) || num >= n-int(delta) {
			return malformed("field number out of range")
		}
		num += int(delta)
		if err := field(num); err != nil {
			return err
		}
	}
	return nil
}

// define reads the definition of type id (gob's wireType).
func (g *gobGuard) define(id uint64) error {
	if id < firstUserType || g.types[id] != nil {
		return malformed("duplicate type definition")
	}
	def := &wireDef{}
	common := func() error { // CommonType{Name string; Id typeId}
		return g.fields(2, func(i int) error {
			if i == 0 {
				return g.skip(1 << 16)
			}
			_, err := g.int()
			return err
		})
	}
	typeID := func(dst *uint64) error {
		v, err := g.int()
		if err == nil && v <= 0 {
			err = malformed("type id %d", v)
		}
		*dst = uint64(v)
		return err
	}
	err := g.fields(7, func(i int) error {
		if def.kind != 0 {
			return malformed("a type defined twice over")
		}
		switch i {
		case 0: // arrayType{CommonType; Elem typeId; Len int}
			def.kind = 'a'
			return g.fields(3, func(j int) error {
				switch j {
				case 0:
					return common()
				case 1:
					return typeID(&def.elem)
				}
				n, err := g.int()
				if n < 0 {
					err = malformed("negative array length")
				}
				def.length = uint64(n)
				return err
			})
		case 1: // sliceType{CommonType; Elem typeId}
			def.kind = 's'
			return g.fields(2, func(j int) error {
				if j == 0 {
					return common()
				}
				return typeID(&def.elem)
			})
		case 2: // structType{CommonType; Field []fieldType{Name string; Id typeId}}
			def.kind = 't'
			return g.fields(2, func(j int) error {
				if j == 0 {
					return common()
				}
				n, err := g.uint()
				if err != nil {
					return err
				}
				if n > uint64(len(g.buf)) {
					return errTruncated
				}
				for range n {
					var fid uint64
					if err := g.fields(2, func(k int) error {
						if k == 0 {
							return g.skip(1 << 16)
						}
						return typeID(&fid)
					}); err != nil {
						return err
					}
					def.fields = append(def.fields, fid)
				}
				return nil
			})
		case 3: // mapType{CommonType; Key, Elem typeId}
			def.kind = 'm'
			return g.fields(3, func(j int) error {
				switch j {
				case 0:
					return common()
				case 1:
					return typeID(&def.key)
				}
				return typeID(&def.elem)
			})
		default: // GobEncoder, BinaryMarshaler, TextMarshaler: {CommonType}
			def.kind = 'g'
			return g.fields(1, func(int) error { return common() })
		}
	})
	if err != nil {
		return err
	}
	if def.kind == 0 {
		return malformed("an empty type definition")
	}
	g.types[id] = def
	return nil
}

// value reads a whole value of type id: a top-level value, or the one an
// interface holds. Structs are sent as they are, other values as the single
// field (number 0) of a struct.
func (g *gobGuard) value(id uint64, depth int) error {
	if def := g.types[id]; def != nil && def.kind == 't' {
		return g.elem(id, depth)
	}
	delta, err := g.uint()
	if err != nil {
		return err
	}
	if delta != 0 {
		return malformed("non-zero delta for a single value")
	}
	return g.elem(id, depth)
}

// elem reads one value of type id inside another, or at the top.
func (g *gobGuard) elem(id uint64, depth int) error {
	if depth > maxNesting {
		return malformed("values nested more than %d deep", maxNesting)
	}
	switch id {
	case tBool, tInt, tUint, tFloat:
		_, err := g.uint()
		return err
	case tComplex:
		if _, err := g.uint(); err != nil {
			return err
		}
		_, err := g.uint()
		return err
	case tBytes, tString:
		return g.skip(tooBig)
	case tInterface:
		return g.iface(depth)
	}
	def := g.types[id]
	if def == nil {
		return malformed("unknown type id %d", id)
	}
	switch def.kind {
	case 't':
		if len(g.buf) == 0 { // gob ends every struct with a zero delta
			return errTruncated
		}
		return g.fields(len(def.fields), func(i int) error { return g.elem(def.fields[i], depth+1) })
	case 'g':
		return g.skip(tooBig)
	}
	n, err := g.uint()
	if err != nil {
		return err
	}
	switch def.kind {
	case 'a':
		if n != def.length {
			return malformed("array length mismatch")
		}
	case 'm':
		if g.entries += n; n > maxMapEntries || g.entries > maxMapEntries {
			return malformed("maps of more than %d entries", maxMapEntries)
		}
	}
	// Each element takes at least a byte, so a count larger than what the
	// stream holds ends at its end, before gob is asked to make room for it.
	for range n {
		if def.kind == 'm' {
			if err := g.elem(def.key, depth+1); err != nil {
				return err
			}
		}
		if err := g.elem(def.elem, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// iface reads an interface value: the concrete type's name (empty for
// nil), type definitions, the id, the value's byte count, the value.
func (g *gobGuard) iface(depth int) error {
	n, err := g.uint()
	if err != nil {
		return err
	}
	if n > 1<<10 || n > uint64(len(g.buf)) {
		return malformed("a type name of %d bytes", n)
	}
	g.buf = g.buf[n:]
	if n == 0 {
		return nil // nil
	}
	id, err := g.typeSequence(true)
	if err != nil {
		return err
	}
	if _, err := g.uint(); err != nil { // the value's byte count; gob does not use it
		return err
	}
	return g.value(id, depth+1)
}
