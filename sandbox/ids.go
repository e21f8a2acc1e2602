package sandbox

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"time"
)

// crockford is the alphabet of ULIDs: Crockford's base32, upper case.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// listIDAlphabet is what Klaviyo's six-character list ids are made of.
const listIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// ulid formats a 48-bit millisecond timestamp and 80 random bits as a
// 26-character ULID, the shape of Klaviyo's profile ids
// (01GDDKASAP8TKDDA2GRZDSVP4H).
func ulid(ms uint64, hi uint16, lo uint64) string {
	var b [26]byte
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	// 80 random bits: 16 from hi, 64 from lo, 5 bits a character.
	for i := 25; i >= 10; i-- {
		b[i] = crockford[lo&31]
		lo = lo>>5 | uint64(hi&31)<<59
		hi >>= 5
	}
	return string(b[:])
}

// newProfileID returns a fresh profile id for a profile created at t.
func newProfileID(t time.Time) string {
	var r [10]byte
	_, _ = crand.Read(r[:]) // crypto/rand.Read never fails
	return ulid(uint64(t.UnixMilli()), binary.BigEndian.Uint16(r[:2]), binary.BigEndian.Uint64(r[2:]))
}

// seededProfileID returns a deterministic profile id drawn from rng.
func seededProfileID(t time.Time, rng *mrand) string {
	return ulid(uint64(t.UnixMilli()), uint16(rng.Uint32()), rng.Uint64())
}

// seededListID returns a deterministic six-character list id from rng.
func seededListID(rng *mrand) string {
	var b [6]byte
	for i := range b {
		b[i] = listIDAlphabet[rng.IntN(len(listIDAlphabet))]
	}
	return string(b[:])
}

// mrand is the deterministic generator of demo and synthetic data.
type mrand = rand.Rand

// newRand returns a deterministic generator for seed.
func newRand(seed uint64) *mrand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
