package gen

import (
	"strconv"
	"unicode/utf8"
)

// assistantTurn adds one assistant reply (with any tool round-trips its kind
// implies) after the current user message and returns about how many bytes
// it added.
func (g *convGen) assistantTurn(b *Builder, tg *textGen, kind convKind, turn int) int64 {
	r := tg.r
	feature := turn == 0 || r.IntN(3) == 0
	if !feature {
		kind = kindPlain
	}
	var extra int64 = 1500
	switch kind {
	case kindSearch:
		return g.searchTurn(b, tg, turn) + 4000
	case kindCode:
		b.Tick(3)
		code := codeSnippets[1][1]
		b.Add(Msg{Role: "assistant", Content: Code("python", code), Recipient: "python", EndTurn: false})
		b.Tick(2)
		fid := "file-" + b.Base62(22)
		g.addAsset(FileName(fid, "output.png"), 640, 480, false)
		b.Add(Msg{Role: "tool", Name: "python", Recipient: "all",
			Content: Obj{{"content_type", "execution_output"}, {"text", "date\n2025-06    18234.50\n2025-07    20111.75\n2025-08    19876.10\nFreq: M, Name: amount, dtype: float64"}},
			Meta: Obj{{"is_complete", true}, {"aggregate_result", Obj{{"status", "success"}, {"run_id", b.UUID()},
				{"start_time", b.Now() - 1.2}, {"update_time", b.Now()}, {"code", code}, {"end_time", b.Now()},
				{"final_expression_output", nil}, {"in_kernel_exception", nil}, {"system_exception", nil},
				{"messages", []any{Obj{{"message_type", "image"}, {"time", b.Now()}, {"sender", "server"},
					{"image_payload", nil}, {"image_url", "file-service://" + fid}, {"width", 640}, {"height", 480}}}},
				{"jupyter_messages", []any{}}, {"timeout_triggered", nil}}}}})
		extra += 2500
	case kindDalle:
		prompt := "A cozy watercolor illustration of " + tg.pick(enWords) + " and " + tg.pick(phrases) + ", soft morning light"
		b.Tick(3)
		b.Add(Msg{Role: "assistant", Content: Code("json", string(Marshal(Obj{{"prompt", prompt}, {"size", "1024x1024"}}))), Recipient: "dalle.text2im"})
		b.Tick(12)
		if r.IntN(2) == 0 {
			fid := "file-" + b.Base62(22)
			g.addAsset("dalle-generations/"+fid+"-"+b.UUID()+".png", 1024, 1024, false)
			dalle := Obj{{"gen_id", b.Base62(16)}, {"prompt", prompt}, {"seed", int64(r.Uint32())}, {"parent_gen_id", nil},
				{"edit_op", nil}, {"serialization_title", "DALL-E generation metadata"}}
			b.Add(Msg{Role: "tool", Name: "dalle.text2im", Content: Multimodal(ImagePart("file-service://"+fid, 300000+r.IntN(200000), 1024, 1024, dalle))})
			b.Add(Msg{Role: "tool", Name: "dalle.text2im", Content: Text("\nDALL·E displayed 1 images. The images are already plainly visible, so don't repeat the descriptions in detail. Do not list download links as they are available in the ChatGPT UI already. The user may download the images by clicking on them, but do not mention anything about downloading to the user.")})
		} else {
			hex := b.Hex(32)
			g.addAsset(g.userID+"/file_"+hex+"-"+b.UUID()+".png", 1024, 1536, false)
			b.Add(Msg{Role: "tool", Name: "t2uay3k.sj1i4kz", Channel: "commentary",
				Content: Multimodal(ImagePart("sediment://file_"+hex, 2100000+r.IntN(400000), 1024, 1536, nil)),
				Meta:    Obj{{"image_gen_title", "Watercolor illustration"}, {"image_gen_async", false}}})
		}
	case kindVoice:
		text := tg.answer(200 + r.IntN(500))
		hex := b.Hex(32)
		g.addAsset(b.ID()+"/audio/file_"+hex+"-"+b.UUID()+".wav", 0, 0, true)
		b.Tick(4)
		b.Add(Msg{Role: "assistant", Content: Multimodal(Transcription(text, "out"), AudioPart("sediment://file_"+hex, 412000, 0, 12.8)), EndTurn: true})
		return int64(len(text)) + 1500
	case kindReasoning:
		b.Tick(2)
		secs := 5 + r.IntN(120)
		b.Add(Msg{Role: "assistant", Content: Obj{{"content_type", "thoughts"},
			{"thoughts", []any{
				Obj{{"summary", "Clarifying the question"}, {"content", tg.answer(300)}, {"chunks", []any{}}, {"finished", true}},
				Obj{{"summary", "Checking edge cases"}, {"content", tg.answer(400)}, {"chunks", []any{}}, {"finished", true}}}},
			{"source_analysis_msg_id", b.UUID()}}, Channel: "analysis",
			Meta: Obj{{"reasoning_status", "is_reasoning"}}})
		b.Tick(float64(secs))
		b.Add(Msg{Role: "assistant", Content: Obj{{"content_type", "reasoning_recap"}, {"content", "Thought for " + strconv.Itoa(secs) + "s"}},
			Meta: Obj{{"reasoning_status", "reasoning_ended"}, {"finished_duration_sec", secs}}})
		text := tg.answer(tg.answerSize())
		b.Tick(3)
		b.Add(Msg{Role: "assistant", Content: Text(text), Channel: "final", EndTurn: true,
			Meta: Obj{{"finish_details", Obj{{"type", "stop"}, {"stop_tokens", []any{200002}}}}, {"is_complete", true}}})
		return int64(len(text)) + 2500
	case kindCanvas:
		doc := tg.answer(600 + r.IntN(1500))
		name := tg.title()
		b.Tick(3)
		if turn == 0 {
			b.Add(Msg{Role: "assistant", Recipient: "canmore.create_textdoc", Channel: "commentary",
				Content: Code("json", string(Marshal(Obj{{"name", name}, {"type", "document"}, {"content", doc}})))})
			b.Add(Msg{Role: "tool", Name: "canmore.create_textdoc", Content: Text("Successfully created text document '" + name + "' which will be referenced in all future messages with the unique identifier textdoc_id: '" + b.Hex(32) + "'"),
				Meta: Obj{{"canvas", Obj{{"textdoc_id", b.Hex(32)}, {"textdoc_type", "document"}, {"version", 1}, {"title", name}, {"create_source", "model"}}}}})
		} else {
			b.Add(Msg{Role: "assistant", Recipient: "canmore.update_textdoc", Channel: "commentary",
				Content: Code("json", string(Marshal(Obj{{"updates", []any{Obj{{"pattern", ".*"}, {"multiple", false}, {"replacement", doc}}}}})))})
			b.Add(Msg{Role: "tool", Name: "canmore.update_textdoc", Content: Text("Successfully updated text document with textdoc_id '" + b.Hex(32) + "'")})
		}
		extra += int64(len(doc)) * 2
	case kindBrowse:
		return g.browseTurn(b, tg) + 3000
	}
	text := tg.answer(tg.answerSize())
	b.Assistant(text)
	return int64(len(text)) + extra
}

// searchTurn writes a 2025-style web search: a hidden tool call, the search
// result, and an answer with \ue200cite\ue202turnNsearchM\ue201 markers whose
// content_references and search_result_groups resolve them.
func (g *convGen) searchTurn(b *Builder, tg *textGen, turn int) int64 {
	r := tg.r
	q := tg.pick(phrases) + " " + tg.pick(enWords)
	b.Tick(2)
	b.Add(Msg{Role: "assistant", Content: Code("unknown", `search("`+q+`")`), Recipient: "web",
		Meta: Obj{{"citations", []any{}}, {"content_references", []any{}}}})
	b.Tick(3)
	b.Add(Msg{Role: "tool", Name: "web", Recipient: "assistant", Hidden: true,
		Content: Code("unknown", ""), Meta: Obj{{"command", "search"}, {"status", "finished"}, {"is_complete", true}}})
	if r.IntN(2) == 0 {
		// GPT-5-era web.run page dump.
		dom := tg.pick(domains)
		b.Tick(1)
		b.Add(Msg{Role: "tool", Name: "web.run", Recipient: "assistant", Channel: "commentary", Hidden: true,
			Content: Obj{{"content_type", "sonic_webpage"}, {"url", "https://" + dom + "/" + tg.pick(enWords)},
				{"domain", dom}, {"title", tg.title()}, {"text", tg.answer(400 + r.IntN(1200))},
				{"snippet", tg.question()}, {"pub_timestamp", 1.7e9 + float64(r.IntN(60_000_000))}}})
	}
	n := 2 + r.IntN(3)
	entries := make([]any, n)
	var refs []any
	tg.buf = tg.buf[:0]
	tg.buf = append(tg.buf, "\ue203"...)
	tg.paragraph()
	tg.buf = append(tg.buf, "\ue204"...)
	text := string(tg.buf)
	refs = append(refs, Obj{{"matched_text", "\ue203"}, {"start_idx", 0}, {"end_idx", 1}, {"alt", nil}, {"prompt_text", nil}, {"type", "hidden"}, {"invalid", false}})
	end := utf8.RuneCountInString(text)
	refs = append(refs, Obj{{"matched_text", "\ue204"}, {"start_idx", end - 1}, {"end_idx", end}, {"alt", nil}, {"prompt_text", nil}, {"type", "hidden"}, {"invalid", false}})
	var sources []any
	for m := range n {
		dom := tg.pick(domains)
		url := "https://" + dom + "/" + tg.pick(enWords) + "-" + tg.pick(enWords) + "?utm_source=chatgpt.com"
		title := tg.title() + " | " + dom
		ref := "turn" + strconv.Itoa(turn) + "search" + strconv.Itoa(m)
		entries[m] = Obj{{"type", "search_result_group"}, {"domain", dom}, {"entries", []any{Obj{{"type", "search_result"},
			{"url", url}, {"title", title}, {"snippet", tg.question()},
			{"ref_id", Obj{{"turn_index", turn}, {"ref_type", "search"}, {"ref_index", m}}},
			{"content_type", nil}, {"pub_date", 1.7e9 + float64(r.IntN(60_000_000))}, {"attributions", nil}}}}}
		tg.buf = tg.buf[:0]
		tg.buf = append(tg.buf, "\n\n"...)
		tg.paragraph()
		tg.buf = append(tg.buf, ' ')
		text += string(tg.buf)
		marker := "\ue200cite\ue202" + ref + "\ue201"
		start := utf8.RuneCountInString(text)
		text += marker
		refs = append(refs, Obj{{"matched_text", marker}, {"start_idx", start}, {"end_idx", start + utf8.RuneCountInString(marker)},
			{"alt", "([" + dom + "](" + url + "))"}, {"prompt_text", nil}, {"type", "webpage"}, {"invalid", false},
			{"title", title}, {"url", url}, {"pub_date", nil}, {"snippet", "…"}, {"attribution_segments", nil},
			{"supporting_websites", []any{}}, {"refs", []any{Obj{{"turn_index", turn}, {"ref_type", "search"}, {"ref_index", m}}}},
			{"hue", nil}, {"attributions", nil}, {"attribution", dom}})
		sources = append(sources, Obj{{"title", title}, {"url", url}, {"attribution", dom}})
	}
	end = utf8.RuneCountInString(text)
	refs = append(refs, Obj{{"matched_text", " "}, {"start_idx", end}, {"end_idx", end}, {"alt", nil}, {"prompt_text", nil},
		{"type", "sources_footnote"}, {"invalid", false}, {"sources", sources}, {"has_images", false}})
	b.Tick(4)
	b.Add(Msg{Role: "assistant", Content: Text(text), EndTurn: true,
		Meta: Obj{{"search_source", "composer_search"}, {"client_reported_search_source", "conversation_composer_web_icon"},
			{"search_result_groups", entries}, {"safe_urls", []any{}}, {"message_locale", "en-US"}, {"image_results", []any{}},
			{"content_references", refs}, {"citations", []any{}}}})
	return int64(len(text)) * 2
}

// browseTurn writes a 2023-style browsing exchange: search → page display →
// quote → answer with 【N†source】 citations in metadata.citations.
func (g *convGen) browseTurn(b *Builder, tg *textGen) int64 {
	b.Model = "gpt-4-browsing"
	q := tg.pick(phrases)
	dom := tg.pick(domains)
	url := "https://" + dom + "/wiki/" + tg.pick(enWords)
	b.Tick(2)
	b.Add(Msg{Role: "assistant", Content: Code("unknown", `search("`+q+`")`), Recipient: "browser"})
	b.Tick(3)
	b.Add(Msg{Role: "tool", Name: "browser", Content: Obj{{"content_type", "tether_browsing_display"},
		{"result", "# 【0†" + tg.title() + "†" + dom + "】\n" + tg.question() + "\n# 【1†" + tg.title() + "†" + dom + "】\n" + tg.question()},
		{"summary", nil}, {"assets", []any{}}, {"tether_id", nil}},
		Meta: Obj{{"_cite_metadata", Obj{{"citation_format", Obj{{"name", "tether_og"}}}, {"metadata_list", []any{Obj{{"type", "webpage"}, {"title", tg.title()}, {"url", url}, {"text", ""}}}}}}, {"command", "search"}, {"args", []string{q}}, {"status", "finished"}}})
	b.Tick(2)
	b.Add(Msg{Role: "assistant", Content: Code("unknown", "quote(\"In the\", \"summary.\")"), Recipient: "browser"})
	quote := tg.question()
	b.Add(Msg{Role: "tool", Name: "browser", Content: Obj{{"content_type", "tether_quote"}, {"url", url}, {"domain", dom}, {"text", quote}, {"title", tg.title()}, {"tether_id", nil}},
		Meta: Obj{{"command", "quote"}, {"status", "finished"}}})
	text := tg.answer(500 + tg.r.IntN(1500))
	s := utf8.RuneCountInString(text)
	text += "【0†source】"
	b.Tick(5)
	b.Add(Msg{Role: "assistant", Content: Text(text), EndTurn: true,
		Meta: Obj{{"citations", []any{Obj{{"start_ix", s}, {"end_ix", s + 10}, {"citation_format_type", "tether_og"},
			{"metadata", Obj{{"type", "webpage"}, {"title", tg.title()}, {"url", url}, {"text", quote},
				{"pub_date", nil}, {"extra", Obj{{"cited_message_idx", 3}, {"evidence_text", "source"}}}}}}}}}})
	return int64(len(text)+len(quote)) * 2
}
