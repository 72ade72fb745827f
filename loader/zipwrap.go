package loader

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// ChatGPT writes exports over 4 GiB as plain (non-ZIP64) ZIPs whose 32-bit
// offsets wrap around (docs/formats.md#inputs). The regular reader then
// finds the central directory but not the entries before the wrap. This file
// reads such archives itself: the central directory is where the end record
// says it ends, and each entry's real offset is its recorded offset plus
// the multiple of 4 GiB at which its local header (same name) is found.

// wrappedEntry is one entry of a wrapped ZIP.
type wrappedEntry struct {
	name    string
	method  uint16
	local   int64 // real offset of the local header
	size    int64 // uncompressed size as recorded (may have wrapped)
	dataOff int64 // real offset of the entry's data
	dataEnd int64 // where its data must end at the latest
}

const (
	sigEnd    = 0x06054b50
	sigCentr  = 0x02014b50
	sigLocal  = 0x04034b50
	sigLoc64  = 0x07064b50
	maxEndLen = 22 + 65535
)

// readWrappedZip lists the entries of a ZIP whose offsets wrapped at 4 GiB.
func readWrappedZip(r io.ReaderAt, size int64) ([]wrappedEntry, error) {
	if size < 22 {
		return nil, errors.New("too small for a ZIP")
	}
	tailLen := min(size, maxEndLen)
	tail := make([]byte, tailLen)
	if _, err := r.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
		return nil, err
	}
	end := -1
	for i := len(tail) - 22; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == sigEnd {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, errors.New("no end of central directory")
	}
	endPos := size - tailLen + int64(end)
	if end >= 20 && binary.LittleEndian.Uint32(tail[end-20:]) == sigLoc64 {
		return nil, errors.New("a ZIP64 archive the regular reader rejected")
	}
	cdSize := int64(binary.LittleEndian.Uint32(tail[end+12:]))
	cdStart := endPos - cdSize
	if cdStart < 0 || cdStart > endPos {
		return nil, errors.New("central directory out of range")
	}
	cd := make([]byte, cdSize)
	if _, err := r.ReadAt(cd, cdStart); err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	var out []wrappedEntry
	prev := int64(0)
	hdr := make([]byte, 30+65535)
	for len(cd) >= 46 && le.Uint32(cd) == sigCentr {
		method := le.Uint16(cd[10:])
		usize := int64(le.Uint32(cd[24:]))
		nameLen, extraLen, commentLen := int(le.Uint16(cd[28:])), int(le.Uint16(cd[30:])), int(le.Uint16(cd[32:]))
		recorded := int64(le.Uint32(cd[42:]))
		if len(cd) < 46+nameLen+extraLen+commentLen {
			break
		}
		name := cd[46 : 46+nameLen]
		cd = cd[46+nameLen+extraLen+commentLen:]
		// Try recorded + k·4 GiB, first at or after the previous entry.
		var found int64 = -1
		for pass := 0; pass < 2 && found < 0; pass++ {
			for off := recorded; off+30 <= cdStart; off += 1 << 32 {
				if pass == 0 && off < prev {
					continue
				}
				h := hdr[:30+nameLen]
				if _, err := r.ReadAt(h, off); err != nil {
					break
				}
				if le.Uint32(h) == sigLocal && bytes.Equal(h[30:], name) {
					found = off
					break
				}
			}
		}
		if found < 0 {
			continue // the entry cannot be located; it is simply not listed
		}
		localExtra := int64(le.Uint16(hdr[28:]))
		prev = found + 30
		out = append(out, wrappedEntry{
			name:    string(name),
			method:  method,
			local:   found,
			size:    usize,
			dataOff: found + 30 + int64(nameLen) + localExtra,
		})
	}
	// An entry's data ends before the next local header (in file order) or
	// the central directory.
	byPos := make([]int, len(out))
	for i := range byPos {
		byPos[i] = i
	}
	sort.Slice(byPos, func(a, b int) bool { return out[byPos[a]].local < out[byPos[b]].local })
	for k, i := range byPos {
		out[i].dataEnd = cdStart
		if k+1 < len(byPos) {
			out[i].dataEnd = out[byPos[k+1]].local
		}
		out[i].dataEnd = max(out[i].dataEnd, out[i].dataOff)
	}
	if len(out) == 0 {
		return nil, errors.New("no readable entries")
	}
	return out, nil
}

// open returns the entry's uncompressed content.
func (e *wrappedEntry) open(r io.ReaderAt) (io.ReadCloser, error) {
	sec := io.NewSectionReader(r, e.dataOff, e.dataEnd-e.dataOff)
	switch e.method {
	case 0: // stored: the recorded size may have wrapped; take the largest that fits
		n := e.size
		for n+(1<<32) <= e.dataEnd-e.dataOff {
			n += 1 << 32
		}
		return io.NopCloser(io.NewSectionReader(r, e.dataOff, min(n, e.dataEnd-e.dataOff))), nil
	case 8: // deflate streams end by themselves; the ZIP-bomb ratio holds here too
		body, c := inflateBounded(sec, sec.Size())
		return struct {
			io.Reader
			io.Closer
		}{body, c}, nil
	}
	return nil, fmt.Errorf("%s: unsupported compression method %d", e.name, e.method)
}
