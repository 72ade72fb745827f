package exporter

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// shownImages lists the image assets a document shows, in order: those of
// the current thread's shown and folded messages.
func shownImages(c *model.Conversation) []*model.Asset {
	var out []*model.Asset
	for _, n := range c.CurrentThread() {
		m := c.Tree()[n].Msg
		if m == nil || m.Visibility > model.Folded {
			continue
		}
		for i := range m.Blocks {
			b := &m.Blocks[i]
			if b.Kind == model.BlockImage && b.Asset() != nil {
				out = append(out, b.Asset())
			}
			for j := range b.Images() {
				out = append(out, &b.Images()[j])
			}
		}
	}
	return out
}

// copyAssets copies the images a conversation shows into the folder named
// stem and returns their relative links. An asset the export lacks, or
// that cannot be read, gets no link (the document notes it).
func copyAssets(dst FS, c *model.Conversation, stem string, opt Options, sum *Summary) (map[*model.Asset]string, error) {
	imgs := shownImages(c)
	if len(imgs) == 0 {
		return nil, nil
	}
	links := make(map[*model.Asset]string, len(imgs))
	byFile := make(map[string]string) // export path → link, for repeats
	used := make(map[string]bool)
	for _, a := range imgs {
		if a.Missing || a.File == "" || opt.OpenAsset == nil {
			sum.MissingImages++
			continue
		}
		if link, ok := byFile[a.File]; ok {
			if link != "" {
				links[a] = link
			}
			continue
		}
		name := uniqueName(assetName(a), used)
		data, err := readAsset(opt.OpenAsset, c, a)
		if err != nil {
			byFile[a.File] = ""
			sum.MissingImages++
			sum.AssetErrors = append(sum.AssetErrors, model.SanitizeLine(fmt.Sprintf("%s: %s: %v", c.ID, a.File, err)))
			continue
		}
		rel := stem + "/" + name
		o, err := put(dst, rel, data, opt.Force)
		if err != nil {
			return nil, err
		}
		switch o {
		case created:
			sum.Images++
		case same:
			sum.ImagesSame++
		case conflict:
			sum.Conflicts = append(sum.Conflicts, rel)
		}
		// Linked even on a conflict: the file of that name is there.
		byFile[a.File] = rel
		links[a] = rel
	}
	return links, nil
}

// uniqueName returns name, or name with "-2", "-3", … before its extension
// when an earlier asset of the conversation took it.
func uniqueName(name string, used map[string]bool) string {
	key := strings.ToLower(name)
	if !used[key] {
		used[key] = true
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name, ext = name[:i], name[i:]
	}
	for n := 2; ; n++ {
		s := name + "-" + strconv.Itoa(n) + ext
		if !used[strings.ToLower(s)] {
			used[strings.ToLower(s)] = true
			return s
		}
	}
}

func readAsset(open AssetOpener, c *model.Conversation, a *model.Asset) ([]byte, error) {
	rc, err := open(c, a)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxAsset+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxAsset {
		return nil, fmt.Errorf("larger than %d MB", maxAsset>>20)
	}
	return data, nil
}

func sortStrings(s []string) { slices.Sort(s) }
