package loader

// Claude uploads: attachments (with the text Claude extracted) and files
// (whose binaries the export does not hold).

import (
	"mime"
	"path"
	"strings"

	"github.com/backchat/backchat/model"
)

// attachment adds an uploaded file's extracted text as a quote titled with
// its name (or, without text, the file as a missing asset).
func (b *claudeBuilder) attachment(d *walker) error {
	w := b.w
	var name, typ, text string
	var size float64
	err := obj(d, func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "file_name":
			name, err = w.str(d)
		case "file_type":
			typ, err = w.str(d)
		case "extracted_content":
			text, err = w.str(d)
		case "file_size":
			size, _, err = number(d)
		default:
			err = d.Skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	m := b.main()
	if text == "" {
		m.Blocks = append(m.Blocks, fileBlock(&model.Asset{Name: name, MIME: typ, Size: int64(size), Missing: true}, "attachment"))
		return nil
	}
	m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{Title: nonEmpty(name, "attachment")}, Text: text}.WithType("attachment"))
	return nil
}

// file adds an uploaded file (whose binary the export does not hold) as a
// missing asset; files and files_v2 often repeat each other.
func (b *claudeBuilder) file(d *walker, seen map[string]bool) error {
	w := b.w
	var a model.Asset
	err := obj(d, func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "file_name":
			a.Name, err = w.str(d)
		case "file_uuid", "uuid":
			var s string
			s, err = w.str(d)
			a.Pointer = nonEmpty(a.Pointer, s)
		default:
			err = d.Skip()
		}
		return err
	})
	if err != nil || (a.Name == "" && a.Pointer == "") {
		return err
	}
	key := a.Pointer + "\x00" + a.Name
	if a.Pointer != "" {
		key = a.Pointer
	}
	if seen[key] {
		return nil
	}
	seen[key] = true
	a.Missing = true
	b.main().Blocks = append(b.main().Blocks, fileBlock(&a, "file"))
	return nil
}

// fileBlock wraps an asset in an image or audio block by its type.
func fileBlock(a *model.Asset, typ string) model.Block {
	if a.MIME == "" {
		a.MIME = mime.TypeByExtension(strings.ToLower(path.Ext(a.Name)))
	}
	kind := model.BlockImage
	if strings.HasPrefix(a.MIME, "audio/") || strings.HasPrefix(a.MIME, "video/") {
		kind = model.BlockAudio
	}
	return model.Block{Kind: kind, Extra: &model.BlockExtra{Asset: a}}.WithType(typ)
}
