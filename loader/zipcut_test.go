package loader

import (
	"archive/zip"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestZIPCutToldOnce: a ZIP cut inside a conversation says so in one
// warning naming one offset of the ZIP (where it ends) and what was kept,
// not as a chain of read errors naming the entry's offsets too; and when
// nothing loads, the error is that one reason (not the archive's missing
// directory as well).
func TestZIPCutToldOnce(t *testing.T) {
	data, _ := genDamageExport(t, 200<<10, 31)
	z := storedZip(t, data, zip.Deflate)
	off, n := entryData(t, z)
	dir := t.TempDir()

	cut := off + n/2
	o := loadDamaged(t, dir, "export.zip", z[:cut])
	if o.err != nil || o.loaded == 0 {
		t.Fatalf("cut in the middle: %s", o)
	}
	want := fmt.Sprintf("the ZIP ends at byte %d, inside this conversation (everything before it was kept)", cut)
	var said bool
	for _, w := range o.a.Warnings {
		if w.Kind != model.WarnSkipped {
			continue
		}
		if w.Reason != want {
			t.Errorf("the cut conversation's reason is %q, want %q", w.Reason, want)
		}
		said = true
	}
	if !said || len(o.a.Warnings) != 1 {
		t.Errorf("want the cut told once, in the cut conversation's warning: %s", o)
	}

	o = loadDamaged(t, dir, "export.zip", z[:off+200])
	if o.err == nil {
		t.Fatalf("cut in the first conversation: %s", o)
	}
	msg := o.err.Error()
	if strings.Contains(msg, "\n") || strings.Contains(msg, "directory") || strings.Contains(msg, "read error") ||
		len(regexp.MustCompile(`byte \d+`).FindAllString(msg, -1)) != 1 || !strings.Contains(msg, "no conversation came before it") {
		t.Errorf("cut in the first conversation: want one line naming where the ZIP ends, got:\n%s", msg)
	}
}
