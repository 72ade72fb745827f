package loader

import (
	"strings"

	"github.com/backchat/backchat/model"
)

// canvas parses a canmore create/update payload. ok is false when the
// payload is not the expected JSON, so the caller keeps it as code.
func (w *worker) canvas(recipient string, payload []byte) (model.Block, bool) {
	if len(payload) == 0 {
		return model.Block{}, false
	}
	d := getWalker(payload)
	defer putWalker(d)
	if d.Next() != tObject {
		return model.Block{}, false
	}
	blk := model.Block{Kind: model.BlockCanvas, Type: "canvas"}
	var updates []string
	seen := false
	err := d.ObjBytes(func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "name":
			blk.Title, err = w.str(d)
			seen = true
		case "type":
			blk.Lang, err = w.str(d)
		case "content":
			blk.Text, err = w.str(d)
			seen = true
		case "updates":
			seen = true
			err = arr(d, func(d *walker) error {
				return obj(d, func(d *walker, k []byte) error {
					if string(k) != "replacement" {
						return d.Skip()
					}
					r, err := w.str(d)
					updates = append(updates, r)
					return err
				})
			})
		default:
			err = d.Skip()
		}
		return err
	})
	if err != nil || !seen {
		return model.Block{}, false
	}
	if strings.HasPrefix(recipient, "canmore.update_textdoc") {
		blk.Summary = "update"
		if blk.Text == "" {
			blk.Text = strings.Join(updates, "\n\n")
		}
	}
	return blk, true
}
