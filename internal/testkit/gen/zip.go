package gen

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/klauspost/compress/flate"
)

// WriteZip writes a ZIP laid out like a 2024–2026 ChatGPT export: the
// conversations as conversations.json (shards <= 1) or conversations-000.json,
// conversations-001.json, … (each a complete array), plus chat.html (a stub),
// user.json, message_feedback.json, model_comparisons.json,
// shared_conversations.json and small valid files for the first few hundred
// asset pointers (uploads as file-<id>-<name>.png at the root, generated
// images under user-<uid>/ and dalle-generations/, voice audio under
// <conversation id>/audio/). Pointers beyond that cap stay unresolved, as in
// real exports that omit files. Stats.Bytes counts the uncompressed JSON.
func WriteZip(w io.Writer, cfg Config, shards int) (Stats, error) {
	if err := cfg.validate(); err != nil {
		return Stats{}, err
	}
	if shards < 1 {
		shards = 1
	}
	g := newGenerator(cfg)
	g.keep = true
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, 5)
	})
	mtime := cfg.Now
	if mtime.IsZero() {
		mtime = DefaultNow
	}
	create := func(name string, method uint16) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: mtime})
	}
	var total Stats
	next := 0
	for s := range shards {
		name := "conversations.json"
		if shards > 1 {
			name = fmt.Sprintf("conversations-%03d.json", s)
		}
		f, err := create(name, zip.Deflate)
		if err != nil {
			return total, err
		}
		count := 0
		var target int64
		if cfg.TargetBytes > 0 {
			target = cfg.TargetBytes / int64(shards)
		} else {
			count = cfg.Conversations / shards
			if s < cfg.Conversations%shards {
				count++
			}
		}
		var st Stats
		st, next, err = g.writeArray(f, next, count, target)
		total.add(st)
		if err != nil {
			return total, fmt.Errorf("gen: %s: %w", name, err)
		}
	}
	side := []struct{ name, body string }{
		{"user.json", `{"id": "` + g.userID + `", "email": "sam@example.com", "chatgpt_plus_user": true, "birth_year": 1990, "phone_number": null}`},
		{"message_feedback.json", "[]"},
		{"model_comparisons.json", "[]"},
		{"shared_conversations.json", "[]"},
		{"chat.html", "<!DOCTYPE html>\n<html>\n<head><meta charset=\"UTF-8\"><title>ChatGPT Data Export</title></head>\n<body>\n<h1>ChatGPT Data Export</h1>\n<p>Synthetic export written by backchat-gen; see conversations*.json.</p>\n<script>\nvar jsonData = []\n</script>\n</body>\n</html>\n"},
	}
	for _, sf := range side {
		f, err := create(sf.name, zip.Deflate)
		if err != nil {
			return total, err
		}
		if _, err := io.WriteString(f, sf.body); err != nil {
			return total, err
		}
	}
	for _, a := range g.assets {
		f, err := create(a.Path, zip.Store)
		if err != nil {
			return total, err
		}
		var body []byte
		if a.Audio {
			body = TinyWAV()
		} else {
			body = TinyPNG(a.Path, 64, 48)
		}
		if _, err := f.Write(body); err != nil {
			return total, err
		}
	}
	return total, zw.Close()
}

// TinyPNG returns a small valid PNG (w×h) whose colours derive from key, so
// different assets look different.
func TinyPNG(key string, w, h int) []byte {
	hs := fnv.New32a()
	hs.Write([]byte(key))
	v := hs.Sum32()
	c1 := color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255}
	c2 := color.RGBA{255 - c1.R, 255 - c1.G, 255 - c1.B, 255}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			t := float64(x+y) / float64(w+h)
			img.Set(x, y, color.RGBA{mix(c1.R, c2.R, t), mix(c1.G, c2.G, t), mix(c1.B, c2.B, t), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return buf.Bytes()
}

func mix(a, b uint8, t float64) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }

// TinyWAV returns a valid half-second 8 kHz mono 8-bit silent WAV file.
func TinyWAV() []byte {
	const rate, n = 8000, 4000
	var buf bytes.Buffer
	buf.WriteString("RIFF")
	binary.Write(&buf, binary.LittleEndian, uint32(36+n))
	buf.WriteString("WAVEfmt ")
	binary.Write(&buf, binary.LittleEndian, []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate), uint16(1), uint16(8)})
	buf.WriteString("data")
	binary.Write(&buf, binary.LittleEndian, uint32(n))
	buf.Write(bytes.Repeat([]byte{128}, n))
	return buf.Bytes()
}
