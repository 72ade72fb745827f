package model

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchTexts are message texts of realistic length: user prompts of ~40
// words, answers of ~250 words with some code, punctuation and non-ASCII.
func benchTexts() (user, assistant []string) {
	words := strings.Fields(`the of and to in is you that it for on with as are this be at have
		from or one had by word but not what all were we when your can said there use an each which
		she do how their if will up other about out many then them these so some her would make like
		him into time has look two more write go see number no way could people my than first water
		been call who oil its now find long down day did get come made may part naïve café Größe 数据`)
	for i := range 8 {
		var u, a strings.Builder
		for j := range 40 {
			u.WriteString(words[(i*7+j*3)%len(words)])
			u.WriteByte(" ,. "[j%4])
		}
		for j := range 250 {
			a.WriteString(words[(i*11+j*5)%len(words)])
			if j%40 == 39 {
				a.WriteString("\n\n```go\nfunc f(x int) int { return x*2 }\n```\n")
			}
			a.WriteByte(" ,. "[j%4])
		}
		user, assistant = append(user, u.String()), append(assistant, a.String())
	}
	return
}

// benchArchive builds n conversations of 12 messages (one regenerated
// answer every fifth conversation) spread over three years.
func benchArchive(n int) *Archive {
	user, assistant := benchTexts()
	slugs := []string{"gpt-4o", "o3", "gpt-4o-mini", "gpt-5", "gpt-4"}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &Archive{Conversations: make([]*Conversation, 0, n)}
	for i := range n {
		created := start.Add(time.Duration(i) * 26 * time.Minute)
		b := newTB("c"+strconv.Itoa(i), "Conversation "+strconv.Itoa(i), slugs[i%len(slugs)], created)
		if i%7 == 0 {
			b.c.GizmoID = "g-" + strconv.Itoa(i%13)
		}
		p := int32(0)
		for j := range 12 {
			at := created.Add(time.Duration(j) * time.Minute)
			if j%2 == 0 {
				p = b.add(p, text(RoleUser, at, user[(i+j)%len(user)]))
				continue
			}
			m := text(RoleAssistant, at, assistant[(i+j)%len(assistant)])
			m.SetModel(b.c.Model)
			if i%5 == 0 && j == 5 {
				b.add(p, text(RoleAssistant, at, assistant[0]))
			}
			p = b.add(p, m)
		}
		b.c.Current = p
		a.Conversations = append(a.Conversations, b.c)
	}
	return a
}

func BenchmarkComputeStats(b *testing.B) {
	a := benchArchive(60000)
	var text int64
	for _, c := range a.Conversations {
		for i := range c.Nodes {
			if m := c.Nodes[i].Msg; m != nil {
				text += int64(len(m.Blocks[0].Text))
			}
		}
	}
	b.SetBytes(text)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		s := ComputeStats(a, time.UTC)
		if s.Conversations != 60000 {
			b.Fatal(s.Conversations)
		}
	}
	// The VM's two cores are shared: CPU time per run says more than wall
	// time when other processes compete.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkCountWords(b *testing.B) {
	_, assistant := benchTexts()
	b.SetBytes(int64(len(assistant[0])))
	for b.Loop() {
		CountWords(assistant[0])
	}
}
