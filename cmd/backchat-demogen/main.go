// Command backchat-demogen writes the demo export of internal/demo (under
// -out, by default export/ in the current folder) from the hand-written
// conversations in content*.go. Run it with `go generate ./internal/demo`.
// The output is deterministic: ids come from fixed seeds, times from
// reference (equal to demo.Reference).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// reference must equal demo.Reference.
var reference = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

const userID = "user-Dm0x7rKq2bV9TzW4yLp1cN8e"

type demo struct {
	convs []gen.Obj
	files map[string][]byte
	seed  uint64
}

func (d *demo) ts(ago time.Duration) float64 {
	t := reference.Add(-ago)
	return float64(t.UnixMicro()) / 1e6
}

func days(n float64) time.Duration { return time.Duration(n * 24 * float64(time.Hour)) }

// conv starts a conversation that began `ago` before the reference time.
func (d *demo) conv(title any, ago time.Duration, model string) *gen.Builder {
	d.seed++
	if ago >= 48*time.Hour {
		// Spread older conversations over the day instead of all at 18:00.
		ago += time.Duration((d.seed*137)%540) * time.Minute
	}
	ids := gen.NewBuilder("x", nil, 0, 1000+d.seed)
	b := gen.NewBuilder(ids.UUID(), title, d.ts(ago), d.seed)
	b.Model = model
	b.HiddenSystem(1)
	return b
}

func (d *demo) done(b *gen.Builder) { d.convs = append(d.convs, b.Object()) }

func (d *demo) file(name string, data []byte) { d.files[name] = data }

// src is one web source of a cited answer.
type src struct{ title, url, domain, snippet string }

// cited adds an assistant answer whose text cites sources with the 2024+
// private-use markers: "{n}" in text becomes \ue200cite\ue202turn0search{n}\ue201.
func cited(b *gen.Builder, text string, sources []src) {
	var out strings.Builder
	var refs []any
	for {
		i := strings.Index(text, "{")
		if i < 0 {
			out.WriteString(text)
			break
		}
		j := strings.Index(text[i:], "}") + i
		out.WriteString(text[:i])
		n := 0
		fmt.Sscanf(text[i+1:j], "%d", &n)
		marker := fmt.Sprintf("\ue200cite\ue202turn0search%d\ue201", n)
		start := utf8.RuneCountInString(out.String())
		out.WriteString(marker)
		s := sources[n]
		refs = append(refs, gen.Obj{{"matched_text", marker}, {"start_idx", start}, {"end_idx", start + utf8.RuneCountInString(marker)},
			{"alt", "([" + s.domain + "](" + s.url + "))"}, {"prompt_text", nil}, {"type", "webpage"}, {"invalid", false},
			{"title", s.title}, {"url", s.url}, {"pub_date", nil}, {"snippet", s.snippet}, {"attribution_segments", nil},
			{"supporting_websites", []any{}}, {"refs", []any{gen.Obj{{"turn_index", 0}, {"ref_type", "search"}, {"ref_index", n}}}},
			{"hue", nil}, {"attributions", nil}, {"attribution", s.domain}})
		text = text[j+1:]
	}
	full := out.String()
	end := utf8.RuneCountInString(full)
	var footnote []any
	var groups []any
	for n, s := range sources {
		footnote = append(footnote, gen.Obj{{"title", s.title}, {"url", s.url}, {"attribution", s.domain}})
		groups = append(groups, gen.Obj{{"type", "search_result_group"}, {"domain", s.domain}, {"entries", []any{gen.Obj{
			{"type", "search_result"}, {"url", s.url}, {"title", s.title}, {"snippet", s.snippet},
			{"ref_id", gen.Obj{{"turn_index", 0}, {"ref_type", "search"}, {"ref_index", n}}},
			{"content_type", nil}, {"pub_date", nil}, {"attributions", nil}}}}})
	}
	refs = append(refs, gen.Obj{{"matched_text", " "}, {"start_idx", end}, {"end_idx", end}, {"alt", nil}, {"prompt_text", nil},
		{"type", "sources_footnote"}, {"invalid", false}, {"sources", footnote}, {"has_images", false}})
	b.Tick(6)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Text(full), EndTurn: true, Meta: gen.Obj{
		{"search_source", "composer_auto"}, {"client_reported_search_source", "conversation_composer_previous_web_mode"},
		{"search_result_groups", groups}, {"safe_urls", []any{}}, {"message_locale", "en-US"}, {"image_results", []any{}},
		{"content_references", refs}, {"citations", []any{}}}})
}

// search adds the hidden tool round-trip that precedes a cited answer.
func search(b *gen.Builder, query string) {
	b.Tick(2)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Code("unknown", `search("`+query+`")`), Recipient: "web",
		Meta: gen.Obj{{"citations", []any{}}, {"content_references", []any{}}}})
	b.Tick(3)
	b.Add(gen.Msg{Role: "tool", Name: "web", Recipient: "assistant", Hidden: true,
		Content: gen.Code("unknown", ""), Meta: gen.Obj{{"command", "search"}, {"status", "finished"}, {"is_complete", true}}})
}

// reply adds an assistant answer after a realistic pause.
func reply(b *gen.Builder, text string) string { return b.Assistant(text) }

// ask adds a user message.
func ask(b *gen.Builder, text string) string { return b.User(text) }

func main() {
	out := flag.String("out", "export", "folder to write the export into (replaced)")
	flag.Parse()
	d := &demo{files: map[string][]byte{}}
	for _, f := range []func(*demo){
		convCarbonara, convGoWorkers, convLisbon, convSalesAnalysis, convFoxImage, convPlantPhoto,
		convVoiceRun, convBirthdayParadox, convCoverLetter, convRefactorPython, convGiftMemory,
		convPDFError, convPrintingPress, convMetricEdit, convBakeryNames, convVPNArchived,
		convSourdoughStarred, convChessGPT, convTokyoJapanese, convRateLimiter, convEscapes,
		convNullTitle, convGitRebase, convSQLWindow, convCrashLoop, convRun5k, convFrenchEmail,
		convRegex, convBudget, convDerivative, convTourDeFrance,
	} {
		f(d)
	}
	sortByUpdate(d.convs) // newest first, like the real export
	arr := make([]any, len(d.convs))
	for i, c := range d.convs {
		arr[i] = c
	}
	d.file("conversations.json", gen.Marshal(arr))
	d.file("user.json", []byte(`{"id": "`+userID+`", "email": "alex@example.com", "chatgpt_plus_user": true, "birth_year": 1991, "phone_number": null}`))
	d.file("message_feedback.json", []byte("[]"))
	d.file("model_comparisons.json", []byte("[]"))
	d.file("shared_conversations.json", []byte("[]"))
	d.file("chat.html", []byte("<!DOCTYPE html>\n<html>\n<head><meta charset=\"UTF-8\"><title>ChatGPT Data Export</title></head>\n<body>\n<p>backchat demo export: open conversations.json.</p>\n</body>\n</html>\n"))
	if err := os.RemoveAll(*out); err != nil {
		log.Fatal(err)
	}
	for name, data := range d.files {
		p := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("demo: %d conversations, %d files, conversations.json %d bytes\n", len(d.convs), len(d.files), len(d.files["conversations.json"]))
}

func sortByUpdate(cs []gen.Obj) {
	up := func(o gen.Obj) float64 { v, _ := o.Get("update_time"); return v.(float64) }
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && up(cs[j]) > up(cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// picture draws a simple w×h PNG: a sky-to-ground gradient with a sun, or
// bars when bars is non-nil (a chart).
func picture(w, h int, top, bottom color.RGBA, bars []float64) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	lerp := func(a, b uint8, t float64) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
	for y := range h {
		t := float64(y) / float64(h)
		c := color.RGBA{lerp(top.R, bottom.R, t), lerp(top.G, bottom.G, t), lerp(top.B, bottom.B, t), 255}
		for x := range w {
			img.Set(x, y, c)
		}
	}
	if bars != nil {
		maxv := 0.0
		for _, v := range bars {
			maxv = max(maxv, v)
		}
		bw := w / (len(bars)*2 + 1)
		for i, v := range bars {
			x0 := bw * (2*i + 1)
			bh := int(float64(h-20) * v / maxv)
			for y := h - 10 - bh; y < h-10; y++ {
				for x := x0; x < x0+bw; x++ {
					img.Set(x, y, color.RGBA{31, 119, 180, 255})
				}
			}
		}
	} else {
		cx, cy, r := w*3/4, h/4, h/8
		for y := cy - r; y <= cy+r; y++ {
			for x := cx - r; x <= cx+r; x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
					img.Set(x, y, color.RGBA{255, 214, 102, 255})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}
