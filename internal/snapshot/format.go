// Package snapshot writes a loaded archive to a cache file and reopens it
// without parsing JSON: the conversation list is decoded at open, every
// string is read in place from a read-only memory mapping, and each
// conversation's message tree is decoded on first use
// (model.Conversation.SetLazyTree).
//
// # Layout
//
// A snapshot is a header followed by sections, all little-endian:
//
//	header   magic "BKCHSNAP", format version, flags, the caller's
//	         fingerprint of the inputs (32 bytes), a table of sections
//	         (kind, CRC-32C, offset, length) and the CRC-32C of the header
//	data     per conversation one frame: its fresh strings, then its tree
//	         blob (nodes, messages, blocks, references, feedback,
//	         assets), compressed with S2 when that is smaller
//	         (compress.go)
//	hstr     the strings of the conversation table (ids, titles, …)
//	pool     short repeated strings (roles, models, content types, sources)
//	         stored once and referred to by number
//	convtab  the conversation table: every header field of every
//	         conversation plus where its blob lies and the blob's CRC-32C
//	meta     the archive's warnings, sources and accounts
//	index    an opaque section written by the caller (the search index)
//
// Open checks the header, the section bounds and the CRCs of every section
// except data, whose pages it never touches: a conversation's frame is
// checked (one CRC-32C over the frame as stored) and decompressed when its
// tree is first decoded or the search index first reads its text
// (Snapshot.TextAt).
//
// The index refers to a field's text by an offset: a file offset for the
// uncompressed sections (hstr, pool), or virtualText plus the text's
// offset in the data stream as it was before compression (the frames'
// contents back to back) for a conversation's strings.
//
// Strings are encoded as one uvarint: len<<1 for a fresh string, whose bytes
// follow the previous fresh string of the same region (so no offset is
// stored), or idx<<1|1 for entry idx of the pool.
package snapshot

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Version is the format version. Bump it on any change of the layout or of
// the encoding of a model field: an older snapshot is then out of date and
// rebuilt.
const Version = 5 // 5: postings with a head byte (model/search persist version 4); 4: conversations' data compressed (S2 frames); 3: the index holds pair filters (model/search persist version 2)

// virtualText tags an index text offset that lies in the data stream
// before compression (see Layout).
const virtualText = 1 << 62

var magic = [8]byte{'B', 'K', 'C', 'H', 'S', 'N', 'A', 'P'}

// Section kinds, in file order.
const (
	secData = iota
	secHstr
	secPool
	secConvtab
	secMeta
	secIndex
	numSections
)

var sectionNames = [numSections]string{"data", "conversation strings", "string pool", "conversation table", "meta", "index"}

const (
	sectionEntry = 24 // kind u32, crc u32, off u64, len u64
	headerFixed  = 56 // magic, version, flags, fingerprint, nsec, reserved
	// HeaderSize is the size of the header: fixed part, section table and
	// its CRC.
	HeaderSize = headerFixed + numSections*sectionEntry + 4
	// sectionAlign is the alignment of every section after data.
	sectionAlign = 8
)

// Header flags.
const (
	// FlagIndex is set when the index section holds a search index.
	FlagIndex uint32 = 1 << iota
)

// Fingerprint identifies the inputs a snapshot was built from (for instance
// a hash of each input's path, size, modification time and inode). A
// snapshot whose fingerprint differs from the caller's is out of date.
type Fingerprint [32]byte

// ErrStale is returned by Open for a snapshot of another format version or
// of other inputs: it is valid but must not be used.
var ErrStale = errors.New("snapshot out of date")

// ErrCorrupt is returned by Open and by a lazy tree (TreeErr) for a
// snapshot that is truncated or damaged.
var ErrCorrupt = errors.New("snapshot damaged")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

type section struct {
	kind uint32
	crc  uint32
	off  uint64
	len  uint64
}

type header struct {
	version uint32
	flags   uint32
	fp      Fingerprint
	secs    [numSections]section
}

func (h *header) marshal() []byte {
	b := make([]byte, 0, HeaderSize)
	b = append(b, magic[:]...)
	b = binary.LittleEndian.AppendUint32(b, h.version)
	b = binary.LittleEndian.AppendUint32(b, h.flags)
	b = append(b, h.fp[:]...)
	b = binary.LittleEndian.AppendUint32(b, numSections)
	b = binary.LittleEndian.AppendUint32(b, 0)
	for _, s := range h.secs {
		b = binary.LittleEndian.AppendUint32(b, s.kind)
		b = binary.LittleEndian.AppendUint32(b, s.crc)
		b = binary.LittleEndian.AppendUint64(b, s.off)
		b = binary.LittleEndian.AppendUint64(b, s.len)
	}
	return binary.LittleEndian.AppendUint32(b, crc(b))
}
