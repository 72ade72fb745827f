package loader

import "testing"

// TestReserveBelievesNoDirectory: the table of conversations is sized
// from the exports' declared sizes only up to trustRatio times their
// bytes on disk; a ZIP of a few KB whose directory declares terabytes
// reserves no more than its own size allows.
func TestReserveBelievesNoDirectory(t *testing.T) {
	for _, tc := range []struct {
		declared, disk int64
		most           int
	}{
		{declared: 1 << 40, disk: 4 << 10, most: 0}, // below the 1024 floor: nothing reserved
		{declared: 1 << 40, disk: 8 << 20, most: trustRatio * 8 << 20 / bytesPerConv},
		{declared: 1 << 30, disk: 200 << 20, most: 1 << 30 / bytesPerConv}, // believable: as declared
	} {
		c := newCollector(nil, []string{"x.zip"})
		c.reserve(tc.declared, tc.disk)
		if got := cap(c.convs); got > tc.most || cap(c.exp.wins) > tc.most {
			t.Errorf("declared %d, %d on disk: room for %d conversations, want at most %d", tc.declared, tc.disk, got, tc.most)
		}
		if tc.declared <= trustRatio*tc.disk && cap(c.convs) != tc.most {
			t.Errorf("declared %d, %d on disk (believable): room for %d, want %d", tc.declared, tc.disk, cap(c.convs), tc.most)
		}
	}
}
