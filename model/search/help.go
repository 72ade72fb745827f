package search

import (
	"strings"
	"unicode/utf8"
)

// The query language's help is data: one list of entries and notes, rendered
// as Markdown (docs/search.md and README.md, between generated markers), as
// plain text (`backchat search --help`) and as a short summary (the
// browser's full help). Tests check that every example parses and that
// every field and value the parser accepts is documented here.

// HelpEntry documents one construct of the query language.
type HelpEntry struct {
	// Examples are what you type; each one is a valid query on its own.
	Examples []string
	// Compact is the construct in the one-line summary
	// (is:archived|starred|deleted|shared); "" leaves the entry out of it.
	Compact string
	// Means says what the examples match. `Backquotes` mark literal text.
	Means string
}

// HelpNote is a rule about the whole query language.
type HelpNote struct {
	// Text is the full rule. `Backquotes` mark literal text.
	Text string
	// Brief is the rule in a few words for the summary; "" leaves it out.
	Brief string
}

var helpEntries = []HelpEntry{
	{Examples: []string{"kube"}, Compact: "word",
		Means: "conversations where `kube` occurs anywhere: a substring, so it finds `Kubernetes`; no word boundaries needed (CJK works)"},
	{Examples: []string{"kubernetes helm"},
		Means: "both words, in any order, anywhere in the conversation (not necessarily in the same message)"},
	{Examples: []string{`"kubernetes cluster"`}, Compact: `"a phrase"`,
		Means: "the phrase literally, single spaces included, within one message or field"},
	{Examples: []string{"-helm"}, Compact: "-word",
		Means: "excludes conversations where `helm` occurs"},
	{Examples: []string{"title:budget", `title:"budget 2025"`}, Compact: "title:word",
		Means: "a word or a quoted phrase in the conversation's title"},
	{Examples: []string{"role:user docker"}, Compact: "role:user|assistant|system|tool",
		Means: "`docker` in your own messages (or in those of `role:assistant`, `role:system`, `role:tool`); the title is then out of scope"},
	{Examples: []string{"model:o3"}, Compact: "model:o3",
		Means: "conversations that used a model whose name starts with `o3` (the conversation's default or any message's)"},
	{Examples: []string{"after:2025", "after:2025-03", "after:2025-03-14"}, Compact: "after:2025-03",
		Means: "last activity on or after the start of that year, month or day (UTC)"},
	{Examples: []string{"before:2025-06"}, Compact: "before:2025-06-30",
		Means: "last activity strictly before that year, month or day (UTC)"},
	{Examples: []string{"is:archived", "is:starred"}, Compact: "is:archived|starred|deleted|shared",
		Means: "archived or starred conversations"},
	{Examples: []string{"is:deleted"},
		Means: "conversations kept from an older export but missing from the newest of several exports given"},
	{Examples: []string{"is:shared"},
		Means: "conversations you shared by public link (as the export's `shared_conversations.json` lists them)"},
	{Examples: []string{"has:image", "has:code", "has:branch"}, Compact: "has:image|code|branch",
		Means: "conversations with an image, a code block, or a regenerated or edited branch"},
	{Examples: []string{"gpt:g-abc123"}, Compact: "gpt:g-ID",
		Means: "conversations with that custom GPT"},
	{Examples: []string{"service:chatgpt", "service:claude"}, Compact: "service:name",
		Means: "conversations from that service (a prefix: `chatgpt`, `claude`, `deepseek`, `grok`)"},
	{Examples: []string{"-model:gpt-4", "-is:archived"}, Compact: "-field:value",
		Means: "any field negated with a leading `-` (minus)"},
}

var helpNotes = []HelpNote{
	{Text: "Everything combines with AND: `model:o3 after:2025 kubernetes -helm`.",
		Brief: "all must hold"},
	{Text: "Matching ignores case and accents: `cafe` finds `Café`, `strasse` finds `Straße`, `ПРИВЕТ` finds `привет`. (Not folded: Turkish dotless-i casing, full-width Latin, ligatures such as `ﬁ`.)",
		Brief: "case and accents ignored"},
	{Text: "Every text of every message is searched, on every branch: message text, code, tool output, reasoning summaries and thoughts, search result titles and URLs, image prompts and file names."},
	{Text: "Hidden messages (system prompts, memory and other context the chat app does not show) are searched only when you ask: in the browser while hidden messages are shown (`H`, the filter re-runs), with `--all` on the command line.",
		Brief: "hidden messages only while shown (H) or with --all"},
	{Text: "A field the language does not know is an error that names the known fields, never a silent miss. `12:30` and `https://…` are ordinary words."},
	{Text: "Ranking: conversations with a hit in the title first, then those with a hit in your own messages, then by hit density, then the newest.",
		Brief: "ranked: title hits, then your messages, then hit density, then newest"},
}

// HelpEntries returns the query language's constructs, in the order the
// help lists them.
func HelpEntries() []HelpEntry {
	out := make([]HelpEntry, len(helpEntries))
	for i, e := range helpEntries {
		e.Examples = append([]string(nil), e.Examples...)
		out[i] = e
	}
	return out
}

// HelpNotes returns the rules about the whole query.
func HelpNotes() []HelpNote { return append([]HelpNote(nil), helpNotes...) }

// HelpMarkdown renders the help as a Markdown table followed by a list of
// the rules.
func HelpMarkdown() string {
	var b strings.Builder
	b.WriteString("| You type | It matches |\n|---|---|\n")
	for _, e := range helpEntries {
		ex := make([]string, len(e.Examples))
		for i, x := range e.Examples {
			ex[i] = "`" + x + "`"
		}
		b.WriteString("| " + strings.Join(ex, " ") + " | " + escapeCell(e.Means) + " |\n")
	}
	b.WriteString("\n")
	for _, n := range helpNotes {
		b.WriteString("- " + n.Text + "\n")
	}
	return b.String()
}

// escapeCell keeps a '|' inside a Markdown table cell from ending it.
func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// HelpText renders the help as plain text wrapped to width columns: the
// examples in a column, what they match beside them, then the rules.
func HelpText(width int) string {
	const col = 26 // width of the examples' column, indent included
	width = max(width, col+20)
	var b strings.Builder
	for _, e := range helpEntries {
		ex := "  " + strings.Join(e.Examples, " ")
		means := wrapWords(plain(e.Means), width-col)
		if len(ex) < col {
			b.WriteString(ex + strings.Repeat(" ", col-len(ex)) + means[0] + "\n")
			means = means[1:]
		} else {
			b.WriteString(ex + "\n")
		}
		for _, l := range means {
			b.WriteString(strings.Repeat(" ", col) + l + "\n")
		}
	}
	for _, n := range helpNotes {
		b.WriteString("\n")
		for _, l := range wrapWords(plain(n.Text), width) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// HelpSummary is the help in a few lines of at most width runes, for a
// screen that has little room (the browser's full help): every construct
// in its compact form, then the rules in brief. A construct is never split
// across lines.
func HelpSummary(width int) []string {
	var forms, briefs []string
	for _, e := range helpEntries {
		if e.Compact != "" {
			forms = append(forms, e.Compact)
		}
	}
	forms[0] = "Query: " + forms[0]
	for _, n := range helpNotes {
		if n.Brief != "" {
			briefs = append(briefs, n.Brief)
		}
	}
	rules := strings.Join(briefs, "; ") + "."
	rules = strings.ToUpper(rules[:1]) + rules[1:]
	return append(wrapTokens(forms, "  ", width), wrapWords(rules, width)...)
}

// wrapTokens joins tokens with sep into lines of at most width runes,
// breaking only between tokens (a longer token gets a line of its own).
func wrapTokens(tokens []string, sep string, width int) []string {
	var lines []string
	line := ""
	for _, t := range tokens {
		switch {
		case line == "":
			line = t
		case utf8.RuneCountInString(line)+len(sep)+utf8.RuneCountInString(t) <= width:
			line += sep + t
		default:
			lines = append(lines, line)
			line = t
		}
	}
	return append(lines, line)
}

// plain drops the backquotes that mark literal text.
func plain(s string) string { return strings.ReplaceAll(s, "`", "") }

// wrapWords breaks s at spaces into lines of at most width runes (a longer
// word gets a line of its own). It returns at least one line.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	return append(lines, line)
}
