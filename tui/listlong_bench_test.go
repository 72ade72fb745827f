package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// BenchmarkListKeystrokeLong is one j press plus the frame it draws in a
// list of 60 long conversations (120 messages of ~3 KB each): every press
// previews another conversation, laying out all its messages' headings and
// its first screen. After the last one, g goes back to the top.
func BenchmarkListKeystrokeLong(b *testing.B) {
	para := strings.Repeat("lorem ipsum dolor sit amet consectetur ", 40) + "\n\n"
	a := &model.Archive{}
	for i := range 60 {
		var msgs []tm
		for j := range 120 {
			role := model.RoleUser
			if j%2 == 1 {
				role = model.RoleAssistant
			}
			msgs = append(msgs, tm{role: role, text: fmt.Sprintf("conversation %d message %d\n\n", i, j) + strings.Repeat(para, 2)})
		}
		a.Conversations = append(a.Conversations, buildConv(fmt.Sprint(i), fmt.Sprintf("Long conversation %d", i),
			testNow.Add(-time.Duration(i)*37*time.Minute), msgs...))
	}
	m := New(Options{Archive: a, Theme: "dark", Width: 160, Height: 50, Now: fixedNow})
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := "j"
		if i%60 == 59 {
			k = "g"
		}
		m.Update(keyMsg(k))
		_ = m.View()
	}
}
