package loader

import (
	"bytes"

	"github.com/backchat/backchat/model"
)

// parts turns text / multimodal_text parts into blocks in array order:
// consecutive strings become one text block (joined with "\n"), objects
// become image, audio, transcript or unknown blocks. When a message has
// object parts, whitespace-only text runs around them are dropped; a message
// of strings only always gets its text block, even when empty.
func (w *worker) parts(d *walker, m *model.Message) error {
	if w.onlyString(d, m) {
		return nil
	}
	type seg = partSeg
	segs := w.segs[:0]
	buf := w.textBuf[:0]
	inRun := false
	objects := 0
	err := d.Arr(func(d *walker) error {
		switch d.Next() {
		case tString:
			if inRun {
				buf = append(buf, '\n')
			} else {
				segs = append(segs, seg{start: len(buf)})
				inRun = true
			}
			var err error
			buf, err = d.StrAppend(buf)
			segs[len(segs)-1].end = len(buf)
			return err
		case tNull:
			return d.Skip()
		}
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		inRun = false
		objects++
		var blk model.Block
		if raw[0] == '{' {
			blk, _ = w.partObject(raw)
		} else {
			blk = model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: w.a.bytes(raw)}}
		}
		blk.SetType(nonEmpty(blk.Type(), m.ContentType()))
		segs = append(segs, seg{end: -1, blk: blk})
		return nil
	})
	keep := 0 // blocks to add, so m.Blocks is allocated once at its size
	for _, sg := range segs {
		if sg.end < 0 || objects == 0 || len(bytes.TrimSpace(buf[sg.start:sg.end])) > 0 {
			keep++
		}
	}
	if keep == 0 {
		keep = 1
	}
	if len(m.Blocks) == 0 {
		m.Blocks = w.blocks(keep)
	}
	for _, sg := range segs {
		if sg.end < 0 {
			m.Blocks = append(m.Blocks, sg.blk)
			continue
		}
		t := buf[sg.start:sg.end]
		if objects > 0 && len(bytes.TrimSpace(t)) == 0 {
			continue
		}
		m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText, Text: w.a.str(t)}.WithType(m.ContentType()))
	}
	if len(m.Blocks) == 0 {
		// No usable parts: an empty text block keeps the message typed.
		m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText}.WithType(m.ContentType()))
	}
	if cap(buf) <= 1<<20 {
		w.textBuf = buf[:0]
	}
	if cap(segs) <= 1024 {
		clear(segs) // drop references to blocks' strings
		w.segs = segs[:0]
	}
	return err
}

// onlyString is parts for the usual case, one string: ["text"]. It
// decodes the text straight into the arena (no join buffer) and reports
// whether it did; anything else, including an error, is left to parts.
func (w *worker) onlyString(d *walker, m *model.Message) bool {
	d.ws()
	b, i := d.b, d.i
	if i >= len(b) || b[i] != '[' {
		return false
	}
	i++
	for i < len(b) && isWS(b[i]) {
		i++
	}
	if i >= len(b) || b[i] != '"' {
		return false
	}
	// One pass into the arena's free tail (taken only once the part is
	// known to be the only one), else find the end, then decode.
	out, end, ascii, facts, ok := w.a.quotedFacts(b[i+1:])
	if ok {
		end += i + 1
	} else {
		var err error
		if end, err = d.strSkipEnd(i); err != nil {
			return false
		}
	}
	k := end + 1
	for k < len(b) && isWS(b[k]) {
		k++
	}
	if k >= len(b) || b[k] != ']' {
		return false
	}
	var text string
	if ok {
		text = w.a.keep(out, ascii)
		w.decoded, w.decodedFacts = text, facts
	} else {
		var err error
		if text, err = w.a.decode(b[i+1:end], true); err != nil {
			return false
		}
	}
	if len(m.Blocks) == 0 {
		m.Blocks = w.blocks(1)
	}
	m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText, Text: text}.WithType(m.ContentType()))
	d.i = k + 1
	return true
}

// partSeg is a text run (buf[start:end]) or, when end < 0, a block.
type partSeg struct {
	start, end int
	blk        model.Block
}

// partFields are the fields of an object part.
type partFields struct {
	ctype, pointer, direction, format []byte
	text, prompt                      []byte // raw JSON strings
	size                              float64
	width, height                     float64
	dalle                             bool
	// audio clip bounds from metadata: start_timestamp/end_timestamp (the
	// documented keys) or start/end (what voice exports carry when the
	// former are null); has* say which were numbers.
	tsStart, tsEnd, start, end             float64
	hasTSStart, hasTSEnd, hasStart, hasEnd bool
	nested                                 []byte // audio_asset_pointer / video_container_asset_pointer
}

// clipBound reads a number (or numeric string) into *v, setting *ok; null
// and other values leave them unset.
func clipBound(d *walker, v *float64, ok *bool) error {
	f, good, err := number(d)
	if good {
		*v, *ok = f, true
	}
	return err
}

// seconds is an audio clip's duration from its metadata bounds, 0 when
// unknown or nonsensical (negative, NaN, over a day).
func (p *partFields) seconds() float64 {
	var s float64
	switch {
	case p.hasTSStart && p.hasTSEnd:
		s = p.tsEnd - p.tsStart
	case p.hasStart && p.hasEnd:
		s = p.end - p.start
	default:
		return 0
	}
	if !(s > 0 && s <= 86400) {
		return 0
	}
	return s
}

// partObject turns one object part (or a computer_output screenshot) into a
// block; ok is false for parts that carry nothing (e.g. empty objects).
func (w *worker) partObject(raw []byte) (model.Block, bool) {
	var p partFields
	d := getWalker(raw)
	defer putWalker(d)
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "content_type":
			p.ctype, err = rawStr(d)
		case "asset_pointer":
			p.pointer, err = rawStr(d)
		case "text":
			p.text, err = d.Raw()
		case "direction":
			p.direction, err = rawStr(d)
		case "format":
			p.format, err = rawStr(d)
		case "size_bytes":
			p.size, _, err = number(d)
		case "width":
			p.width, _, err = number(d)
		case "height":
			p.height, _, err = number(d)
		case "audio_asset_pointer":
			if d.Next() == tObject {
				p.nested, err = d.Raw()
			} else {
				err = d.Skip()
			}
		case "video_container_asset_pointer":
			if d.Next() == tObject && p.nested == nil {
				p.nested, err = d.Raw()
			} else {
				err = d.Skip()
			}
		case "metadata":
			err = obj(d, func(d *walker, k []byte) error {
				switch string(k) {
				case "start_timestamp":
					return clipBound(d, &p.tsStart, &p.hasTSStart)
				case "end_timestamp":
					return clipBound(d, &p.tsEnd, &p.hasTSEnd)
				case "start":
					return clipBound(d, &p.start, &p.hasStart)
				case "end":
					return clipBound(d, &p.end, &p.hasEnd)
				case "dalle":
				default:
					return d.Skip()
				}
				if d.Next() == tObject {
					p.dalle = true
				}
				return obj(d, func(d *walker, k []byte) error {
					if string(k) == "prompt" {
						var err error
						p.prompt, err = d.Raw()
						return err
					}
					return d.Skip()
				})
			})
		default:
			err = d.Skip()
		}
		return err
	})
	unknown := model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: w.a.bytes(raw)}}.WithType(w.a.str(p.ctype))
	if err != nil {
		return unknown, true
	}
	asset := func() *model.Asset {
		a := &model.Asset{
			Pointer: w.a.str(p.pointer),
			Size:    int64(p.size),
			Width:   int(p.width),
			Height:  int(p.height),
			Prompt:  w.rawStr(p.prompt),
		}
		if len(p.format) > 0 {
			a.MIME = "audio/" + w.a.str(p.format)
		}
		a.Seconds = p.seconds()
		w.resolve(a, p.dalle)
		return a
	}
	switch string(p.ctype) {
	case "image_asset_pointer":
		return model.Block{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: asset()}}.WithType(unknown.Type()), true
	case "audio_asset_pointer":
		return model.Block{Kind: model.BlockAudio, Extra: &model.BlockExtra{Asset: asset()}}.WithType(unknown.Type()), true
	case "audio_transcription":
		return model.Block{Kind: model.BlockAudioTranscript, Text: w.rawStr(p.text), Extra: &model.BlockExtra{Direction: w.a.str(p.direction)}}.WithType(unknown.Type()), true
	case "real_time_user_audio_video_asset_pointer":
		if p.nested != nil {
			if blk, ok := w.partObject(p.nested); ok && blk.Kind == model.BlockAudio {
				blk.SetType(unknown.Type())
				return blk, true
			}
		}
		return unknown, true
	case "app_pairing_content":
		return unknown, true
	}
	return unknown, true
}
