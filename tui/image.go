package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// openerWait is how long i waits for the opener to finish before it takes
// the opener as running: xdg-open and open return at once after handing the
// file over, but some openers stay with the viewer they start.
const openerWait = 3 * time.Second

// imageRef is one image on offer.
type imageRef struct {
	asset *model.Asset
	node  int32
}

// imagesInView lists the images of the first message that has any, in
// messagesByFocus's order.
func imagesInView(v *viewer) []imageRef {
	c := v.conv
	for _, n := range v.messagesByFocus() {
		var out []imageRef
		msg := c.Tree()[n].Msg
		for i := range msg.Blocks {
			b := &msg.Blocks[i]
			switch b.Kind {
			case model.BlockImage:
				if b.Asset() != nil {
					out = append(out, imageRef{asset: b.Asset(), node: n})
				}
			case model.BlockExecOutput:
				for j := range b.Images() {
					out = append(out, imageRef{asset: &b.Images()[j], node: n})
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// openImage opens the image in view with the system viewer, or picks one
// first when the message has several (a picker the root opens).
func (a *actions) openImage(v *viewer) (tea.Cmd, *picker) {
	if !a.cfg.Local {
		a.remote("open image")
		return nil, nil
	}
	if a.cfg.OpenAsset == nil {
		a.fail("open image: the export's files cannot be read")
		return nil, nil
	}
	imgs := imagesInView(v)
	switch len(imgs) {
	case 0:
		a.fail("open image: no image in view")
		return nil, nil
	case 1:
		return a.openImageRef(v.conv, imgs[0]), nil
	}
	items := make([]string, len(imgs))
	for i, r := range imgs {
		items[i] = render.AssetLine("image", r.asset)
	}
	c := v.conv
	return nil, newPicker("Open which image?", "open", items, func(i int) tea.Cmd {
		return a.openImageRef(c, imgs[i])
	})
}

// openImageRef extracts the image to a private temporary directory (kept
// until the browser quits, so the viewer can read it at leisure) and hands
// it to the opener, or shows its path when there is no display or opener.
func (a *actions) openImageRef(c *model.Conversation, r imageRef) tea.Cmd {
	asset, cfg, temps := r.asset, a.cfg, a.temps
	if asset.Missing || asset.File == "" {
		a.fail("open image: " + render.AssetLine("image", asset) + " is not in the export")
		return nil
	}
	opener, why := cfg.Opener, ""
	switch {
	case !cfg.Display:
		opener, why = "", "no display"
	case strings.TrimSpace(opener) == "":
		why = "no image viewer"
	}
	a.say("extracting the image…")
	return func() tea.Msg {
		p, err := extractAsset(temps, cfg.TempDir, cfg.OpenAsset, c, asset)
		if err != nil {
			return actionDoneMsg{err: fmt.Errorf("open image: %w", err)}
		}
		if why != "" {
			return actionDoneMsg{text: why + ": image extracted to " + p}
		}
		if err := runOpener(opener, p); err != nil {
			return actionDoneMsg{err: fmt.Errorf("open image: %w; the image is at %s", err, p)}
		}
		return actionDoneMsg{text: "opened " + filepath.Base(p) + " in the image viewer"}
	}
}

// extractAsset copies asset a of c into a new private temporary directory
// under root and returns the file's path. The file is named after the
// asset, with the extension its content calls for.
func extractAsset(temps *tempDirs, root string, open func(*model.Conversation, *model.Asset) (io.ReadCloser, error), c *model.Conversation, a *model.Asset) (string, error) {
	rc, err := open(c, a)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(rc, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("%s: %w", a.File, err)
	}
	head = head[:n]
	dir, err := temps.make(root)
	if err != nil {
		return "", fmt.Errorf("temporary directory: %w", err)
	}
	p := filepath.Join(dir, assetFileName(a.File, head))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		temps.remove(dir)
		return "", err
	}
	_, err = io.Copy(f, io.MultiReader(bytes.NewReader(head), rc))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		temps.remove(dir)
		return "", fmt.Errorf("%s: %w", a.File, err)
	}
	return p, nil
}

// maxAssetName is the longest file name an extracted asset gets.
const maxAssetName = 40

// imageMagic maps an image's magic bytes to its extension.
var imageMagic = []struct {
	prefix, ext string
}{
	{"\x89PNG\r\n\x1a\n", ".png"},
	{"\xff\xd8\xff", ".jpg"},
	{"GIF87a", ".gif"},
	{"GIF89a", ".gif"},
	{"BM", ".bmp"},
}

// sniffExt returns the extension the content calls for, or "".
func sniffExt(head []byte) string {
	if len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP" {
		return ".webp"
	}
	for _, mg := range imageMagic {
		if bytes.HasPrefix(head, []byte(mg.prefix)) {
			return mg.ext
		}
	}
	return ""
}

// assetFileName makes a safe file name from the asset's path in the export
// (letters, digits, '.', '-', '_'), fixing its extension when the content
// says otherwise (exports store some images as .dat or with none).
func assetFileName(file string, head []byte) string {
	var b strings.Builder
	for _, r := range path.Base(file) {
		switch {
		case r < 0x80 && (r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.TrimLeft(b.String(), ".")
	ext := filepath.Ext(name)
	if len(ext) > 10 {
		ext = "" // not an extension: a dotted name
	}
	if len(name) > maxAssetName {
		// Export names run long (file-<id>-<uuid>.png); the status bar
		// must still have room for the whole path.
		name = name[:maxAssetName-len(ext)] + ext
	}
	if name == "" || name == "_" {
		name = "image"
	}
	if want := sniffExt(head); want != "" {
		ext := strings.ToLower(filepath.Ext(name))
		if ext != want && !(want == ".jpg" && ext == ".jpeg") {
			name = strings.TrimSuffix(name, filepath.Ext(name)) + want
		}
	}
	return name
}

// runOpener starts the opener on p and waits up to openerWait for it: an
// opener that fails at once (no handler for the type) is reported; one
// still running is left to run, reaped in the background. Its stderr goes to
// a file next to p, not a pipe: a viewer the opener starts inherits it and
// would otherwise hold Wait up, or die writing to a closed pipe.
func runOpener(opener, p string) error {
	argv := strings.Fields(opener)
	cmd := exec.Command(argv[0], append(argv[1:], p)...)
	logf, err := os.CreateTemp(filepath.Dir(p), "opener-*.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			return nil
		}
		b := make([]byte, 512)
		n, _ := logf.ReadAt(b, 0)
		if msg := strings.TrimSpace(string(b[:n])); msg != "" {
			return fmt.Errorf("%s: %w: %s", argv[0], err, safeLine(firstLineOf(msg)))
		}
		return fmt.Errorf("%s: %w", argv[0], err)
	case <-time.After(openerWait):
		return nil
	}
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
