package loader

import (
	"archive/zip"
	"fmt"
	"strings"
	"testing"
)

// TestZIPCutBetweenToldOnce: a ZIP cut between two conversations, just
// after one, or after the entry's whole JSON is told in one warning (the
// entry's, naming where the ZIP ends), not also as the archive's missing
// directory (cutOnce); nothing before the cut is lost.
func TestZIPCutBetweenToldOnce(t *testing.T) {
	data, _ := genDamageExport(t, 100<<10, 31)
	spans := convSpans(t, data)
	z := storedZip(t, data, zip.Store)
	off, n := entryData(t, z)
	dir := t.TempDir()
	for _, c := range []struct {
		at   int64
		kept int
	}{{off + spans[2][1], 3}, {off + spans[2][1] + 1, 3}, {off + n - 1, len(spans)}, {off + n, len(spans)}} {
		o := loadDamaged(t, dir, "export.zip", z[:c.at])
		if o.err != nil || o.loaded != c.kept || o.skipped != 0 {
			t.Errorf("cut at %d: want %d loaded, none skipped: %s", c.at, c.kept, o)
			continue
		}
		if len(o.a.Warnings) != 1 || !strings.Contains(o.a.Warnings[0].Reason, fmt.Sprintf("the ZIP ends at byte %d,", c.at)) {
			t.Errorf("cut at %d: want one warning saying where the ZIP ends: %s", c.at, o)
		}
	}
}
