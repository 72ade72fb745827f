package loader

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// shardGaps warns about the shards missing between the first and the last
// of each folder of srcs (conversations-000 and -002 without -001: a part
// of the export lost in the download or the unpacking), once per gap,
// naming the missing files. A missing shard is otherwise silence: its
// conversations are simply not there.
func shardGaps(srcs []source) []model.Warning {
	type shard struct {
		n     uint64
		digit string
	}
	byDir := make(map[string][]shard)
	for _, s := range srcs {
		dir, base := splitSourceName(s.name)
		m := convFileRe.FindStringSubmatch(base) // m[2]: a shard's "-NNN"
		if m == nil || m[2] == "" {
			continue
		}
		digits := m[2][1:]
		n, err := strconv.ParseUint(digits, 10, 64)
		if err != nil || n > 1<<40 {
			continue // not a shard number any export writes
		}
		byDir[dir] = append(byDir[dir], shard{n, digits})
	}
	var ws []model.Warning
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		sh := byDir[dir]
		sort.Slice(sh, func(i, j int) bool { return sh[i].n < sh[j].n })
		for i := 1; i < len(sh); i++ {
			lo, hi := sh[i-1], sh[i]
			if hi.n <= lo.n+1 {
				continue
			}
			name := func(n uint64) string { return fmt.Sprintf("conversations-%0*d.json", len(lo.digit), n) }
			missing := name(lo.n + 1)
			if k := hi.n - lo.n - 1; k > 1 {
				missing = fmt.Sprintf("%s … %s (%d shards) are", missing, name(hi.n-1), k)
			} else {
				missing += " is"
			}
			ws = append(ws, model.Warning{Kind: model.WarnFile, File: dir, Index: -1, Offset: -1,
				Reason: fmt.Sprintf("%s missing between conversations-%s.json and conversations-%s.json: the conversations in it are not loaded (was the export downloaded or unpacked whole?)", missing, lo.digit, hi.digit)})
		}
	}
	return ws
}

// splitSourceName splits a source's name into its folder (a path, or
// "archive.zip:folder" inside a ZIP) and its base name.
func splitSourceName(name string) (dir, base string) {
	i := strings.LastIndexAny(name, "/:"+string(filepath.Separator))
	if i < 0 {
		return ".", name
	}
	return name[:i], name[i+1:]
}
