package loader

// refItem is one source named by citation metadata.
type refItem struct {
	Title string
	URL   string
}

// contentRef is one entry of a 2024+ message's metadata.content_references.
type contentRef struct {
	MatchedText string // the marker text in the message, e.g. "\ue200cite\ue202turn0search1\ue201"
	StartIdx    int    // code-point index; -1 when absent
	EndIdx      int    // code-point index; -1 when absent
	Type        string // "webpage", "hidden", "sources_footnote", "grouped_webpages", …
	Title       string
	URL         string
	Alt         string    // Markdown the web UI shows instead of the marker
	Items       []refItem // items[] / fallback_items[] / sources[]
}

// legacyCitation is one entry of a 2023 message's metadata.citations, which
// points at a 【N†source】 marker by code-point indices.
type legacyCitation struct {
	StartIx int
	EndIx   int
	Title   string
	URL     string
}

// searchResult is one entry of metadata.search_result_groups[].entries, keyed
// the way the private-use markers name it ("turn0search1").
type searchResult struct {
	Key   string
	Title string
	URL   string
}

// citationMeta is everything a message's metadata says about its citations.
// The loader fills it; applyCitations consumes it.
type citationMeta struct {
	ContentRefs   []contentRef
	Legacy        []legacyCitation
	SearchResults []searchResult
}

// Empty reports whether there is no citation metadata at all.
func (m *citationMeta) Empty() bool {
	return m == nil || (len(m.ContentRefs) == 0 && len(m.Legacy) == 0 && len(m.SearchResults) == 0)
}
