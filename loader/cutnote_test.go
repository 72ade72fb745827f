package loader

import (
	"strings"
	"testing"
)

// TestCutSaysWhatCameBefore: a file cut inside its first conversation does
// not claim that "everything before it was kept"; one cut after a whole
// conversation does.
func TestCutSaysWhatCameBefore(t *testing.T) {
	conv := `{"id":"c%d","title":"T","create_time":1700000000,"mapping":{"n0":{"id":"n0","message":null,"parent":null,"children":[]}}}`
	one := strings.Replace(conv, "%d", "1", 1)
	two := strings.Replace(conv, "%d", "2", 1)
	for _, c := range []struct {
		data, want string
	}{
		{"[" + one[:len(one)/2], "no conversation came before it"},
		{"[" + one + ", " + two[:len(two)/2], "everything before it was kept"},
		{"[" + one + ", ", "everything before it was kept"},
		{"[ ", "no conversation came before it"},
	} {
		p := writeTemp(t, "conversations.json", []byte(c.data))
		a, err := Open(p)
		var said []string
		if err != nil {
			said = append(said, err.Error())
		}
		if a != nil {
			for _, w := range a.Warnings {
				said = append(said, w.Reason)
			}
		}
		if all := strings.Join(said, "\n"); !strings.Contains(all, c.want) {
			t.Errorf("%q: want %q in\n%s", c.data, c.want, all)
		}
	}
}
