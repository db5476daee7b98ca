package wire

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"strings"
	"testing"
)

// refHMAC computes HMAC from its definition (RFC 2104), independently of
// crypto/hmac: H((K' ^ opad) || H((K' ^ ipad) || m)), where K' is the key
// hashed if longer than a block, then zero-padded to a block.
func refHMAC(newHash func() hash.Hash, key []byte, msg []byte) string {
	h := newHash()
	block := h.BlockSize()
	if len(key) > block {
		h.Write(key)
		key = h.Sum(nil)
		h.Reset()
	}
	k := make([]byte, block)
	copy(k, key)
	ipad := make([]byte, block)
	opad := make([]byte, block)
	for i := range k {
		ipad[i] = k[i] ^ 0x36
		opad[i] = k[i] ^ 0x5c
	}
	h.Write(ipad)
	h.Write(msg)
	inner := h.Sum(nil)
	h.Reset()
	h.Write(opad)
	h.Write(inner)
	return hex.EncodeToString(h.Sum(nil))
}

func TestSignMatchesHMACDefinition(t *testing.T) {
	schemes := []struct {
		scheme string
		hash   func() hash.Hash
	}{
		{"hmac-md5", md5.New},
		{"hmac-sha1", sha1.New},
		{"hmac-sha224", sha256.New224},
		{"hmac-sha256", sha256.New},
		{"hmac-sha384", sha512.New384},
		{"hmac-sha512", sha512.New},
		{"hmac-sha512_224", sha512.New512_224},
		{"hmac-sha512_256", sha512.New512_256},
		{"hmac-sha3_224", func() hash.Hash { return sha3.New224() }},
		{"hmac-sha3_256", func() hash.Hash { return sha3.New256() }},
		{"hmac-sha3_384", func() hash.Hash { return sha3.New384() }},
		{"hmac-sha3_512", func() hash.Hash { return sha3.New512() }},
	}
	keys := []string{"k", "a1b2c3d4-e5f6-4711-8000-00000000abcd", strings.Repeat("long key ", 40)}
	parts := [][]byte{
		[]byte(`{"msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u"}`),
		[]byte(`{}`),
		[]byte(`{}`),
		[]byte(`{"code":"fmt.Println(\"héllo\")"}`),
	}
	if len(schemes) != len(SignatureSchemes()) {
		t.Errorf("the table covers %d schemes, SignatureSchemes lists %d", len(schemes), len(SignatureSchemes()))
	}
	for _, sc := range schemes {
		for _, key := range keys {
			t.Run(sc.scheme+"/"+key[:1], func(t *testing.T) {
				s, err := NewSigner(sc.scheme, key)
				if err != nil {
					t.Fatal(err)
				}
				want := refHMAC(sc.hash, []byte(key), bytes.Join(parts, nil))
				got := s.Sign(parts...)
				if string(got) != want {
					t.Fatalf("Sign = %s, want %s", got, want)
				}
				if err := s.Verify([]byte(want), parts...); err != nil {
					t.Errorf("Verify(correct) = %v", err)
				}
			})
		}
	}
}

// TestSignRFC4231 checks one published vector (RFC 4231, test case 2).
func TestSignRFC4231(t *testing.T) {
	s, err := NewSigner("hmac-sha256", "Jefe")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Sign([]byte("what do ya want "), []byte("for nothing?"))
	const want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if string(got) != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerifyRejects(t *testing.T) {
	s, err := NewSigner("hmac-sha256", "key")
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{[]byte(`{"a":1}`), []byte(`{}`), []byte(`{}`), []byte(`{}`)}
	good := s.Sign(parts...)
	flipped := bytes.Clone(good)
	flipped[10] ^= 1
	other, _ := NewSigner("hmac-sha256", "other key")
	otherHash, _ := NewSigner("hmac-sha512", "key")
	tests := []struct {
		name string
		sig  []byte
	}{
		{"empty", nil},
		{"one bit off", flipped},
		{"upper case hex", bytes.ToUpper(good)},
		{"truncated", good[:len(good)-2]},
		{"extended", append(bytes.Clone(good), '0')},
		{"other key", other.Sign(parts...)},
		{"other hash", otherHash.Sign(parts...)},
		{"raw digest", func() []byte { b, _ := hex.DecodeString(string(good)); return b }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Verify(tt.sig, parts...)
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("Verify = %v, want ErrBadSignature", err)
			}
			if strings.Contains(err.Error(), "key") {
				t.Errorf("error %q mentions the key", err)
			}
		})
	}
	// The same signature over different parts fails too.
	if err := s.Verify(good, []byte(`{"a":2}`), parts[1], parts[2], parts[3]); !errors.Is(err, ErrBadSignature) {
		t.Errorf("Verify(other content) = %v, want ErrBadSignature", err)
	}
}

func TestSignerWithoutKey(t *testing.T) {
	s, err := NewSigner("hmac-sha256", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Enabled() {
		t.Error("Enabled() with an empty key")
	}
	if sig := s.Sign([]byte("x")); sig != nil {
		t.Errorf("Sign = %q, want nil", sig)
	}
	for _, sig := range [][]byte{nil, []byte("anything")} {
		if err := s.Verify(sig, []byte("x")); err != nil {
			t.Errorf("Verify(%q) = %v, want nil", sig, err)
		}
	}
}

func TestNewSignerSchemes(t *testing.T) {
	tests := []struct {
		scheme  string
		want    string // scheme of the signer, or "" for an error
		errText string
	}{
		{"", "hmac-sha256", ""},
		{"hmac-sha256", "hmac-sha256", ""},
		{"hmac-sha3_512", "hmac-sha3_512", ""},
		{"sha256", "", `must start with "hmac-"`},
		{"HMAC-SHA256", "", `must start with "hmac-"`},
		{"hmac-", "", "unknown hash"},
		{"hmac-blake2b", "", "unknown hash"},
		{"hmac-SHA256", "", "unknown hash"},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			s, err := NewSigner(tt.scheme, "k")
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("NewSigner(%q) error = %v, want one containing %q", tt.scheme, err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Scheme() != tt.want {
				t.Errorf("Scheme() = %q, want %q", s.Scheme(), tt.want)
			}
		})
	}
}
