package wire

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strings"
)

// hashes are the digests a signature_scheme "hmac-<name>" may name: the
// Python hashlib names jupyter_client resolves that Go's standard library
// also provides.
var hashes = map[string]func() hash.Hash{
	"md5":        md5.New,
	"sha1":       sha1.New,
	"sha224":     sha256.New224,
	"sha256":     sha256.New,
	"sha384":     sha512.New384,
	"sha512":     sha512.New,
	"sha512_224": sha512.New512_224,
	"sha512_256": sha512.New512_256,
	"sha3_224":   func() hash.Hash { return sha3.New224() },
	"sha3_256":   func() hash.Hash { return sha3.New256() },
	"sha3_384":   func() hash.Hash { return sha3.New384() },
	"sha3_512":   func() hash.Hash { return sha3.New512() },
}

// SignatureSchemes lists the signature_scheme values [NewSigner] accepts.
func SignatureSchemes() []string {
	out := make([]string, 0, len(hashes))
	for name := range hashes {
		out = append(out, "hmac-"+name)
	}
	sort.Strings(out)
	return out
}

// Signer computes and checks message signatures: the lowercase hex HMAC of
// the header, parent_header, metadata and content frames, in that order.
// A Signer with an empty key signs nothing and accepts any signature, as the
// messaging spec says for kernels started without a key. A Signer is safe for
// concurrent use.
type Signer struct {
	scheme string
	key    []byte
	newMAC func() hash.Hash
}

// ErrBadSignature is wrapped by the errors [Decode] returns for a message
// whose signature is missing or does not match.
var ErrBadSignature = errors.New("bad signature")

// NewSigner returns a Signer for a connection file's signature_scheme and
// key. The scheme must be "hmac-" followed by a hash name from
// [SignatureSchemes]; an empty scheme means [DefaultSignatureScheme].
func NewSigner(scheme, key string) (*Signer, error) {
	if scheme == "" {
		scheme = DefaultSignatureScheme
	}
	name, ok := strings.CutPrefix(scheme, "hmac-")
	if !ok {
		return nil, fmt.Errorf("signature_scheme %q: must start with \"hmac-\"", scheme)
	}
	h, ok := hashes[name]
	if !ok {
		return nil, fmt.Errorf("signature_scheme %q: unknown hash %q (supported: %s)",
			scheme, name, strings.Join(SignatureSchemes(), ", "))
	}
	s := &Signer{scheme: scheme}
	if key != "" {
		k := []byte(key)
		s.key = k
		s.newMAC = func() hash.Hash { return hmac.New(h, k) }
	}
	return s, nil
}

// Enabled reports whether s signs and checks messages (its key is not empty).
func (s *Signer) Enabled() bool { return s != nil && s.newMAC != nil }

// Scheme returns s's signature scheme, such as "hmac-sha256".
func (s *Signer) Scheme() string { return s.scheme }

// Sign returns the signature of the four JSON parts of a message (header,
// parent_header, metadata, content), or nil when s has no key.
func (s *Signer) Sign(parts ...[]byte) []byte {
	if !s.Enabled() {
		return nil
	}
	mac := s.newMAC()
	for _, p := range parts {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify checks sig against the four JSON parts in constant time. It always
// succeeds when s has no key.
func (s *Signer) Verify(sig []byte, parts ...[]byte) error {
	if !s.Enabled() {
		return nil
	}
	if len(sig) == 0 {
		return fmt.Errorf("%w: message is not signed", ErrBadSignature)
	}
	if !hmac.Equal(sig, s.Sign(parts...)) {
		return fmt.Errorf("%w: %s does not match", ErrBadSignature, s.scheme)
	}
	return nil
}
