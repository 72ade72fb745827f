// Package search is backchat's full-text search: one query language (Parse)
// for the TUI filter and the CLI, an index built while conversations load
// (Builder), and ranked, cancellable searches over it (Index.Search).
//
// It is pure: no I/O and no terminal output. Snippets are plain text built
// from archive text with line breaks and control characters blanked, but
// callers must still pass them through model.Sanitize before printing.
//
// # Query language
//
// See Query for the full semantics; HelpEntries and HelpNotes (help.go)
// are the user-facing help, the one source of `backchat search --help`,
// the browser's help and docs/search.md. Matching is case- and
// accent-insensitive (see Fold). An unknown field is an error naming the
// known ones.
//
// # Ranking
//
//  1. Conversations with a hit in the title come first: a title is the
//     user's own summary of what the chat was about.
//  2. Then conversations with a hit in one of the user's own messages come
//     before those with hits only in answers, tools or reasoning: people
//     remember what they asked, not how the model phrased its reply.
//  3. Within those tiers, by weighted hit density: (3 × hits in the title
//     and in user messages + hits elsewhere) per KB of the conversation's
//     searchable text (counted as at least 1 KB), so a short chat about the
//     topic beats a long one that mentions it once.
//  4. Ties go to the more recent conversation (Conversation.SortTime), then
//     to the order they were added.
//
// Result.Score encodes 1–3: 2,000,000 for a title hit, plus 1,000,000 for a
// user-message hit, plus the density capped at 999,999. Queries with no
// terms score every conversation 0, so they come out newest first.
//
// The counts come from the word postings (see Index): for a query of
// words they are exact and nothing is read. A term with other bytes (a
// phrase, "gpt-4o") is counted as its longest word ("kubernetes" for
// "kubernetes cluster"), and its title hits only when the term itself is
// in the title: the text is read only to prove that the term occurs. Conversations holding a word of over 128 bytes (see Index) are
// read instead: such a conversation stops being scanned once every term
// has been found and it has Options.MaxHits hits or 1 KB of its in-scope
// text has been examined (queries with exclusions scan to the end), its
// density is that of the text examined, and Result.Capped is set (never
// with Options.Exhaustive). Index.Hits lists every hit of one
// conversation for a viewer.
//
// # Typing on
//
// Narrows(prev, next) reports when next can only match a subset of what
// prev matched (prev's terms inside next's, exclusions and filters kept or
// made stricter); a search for next may then be restricted to prev's
// results (Options.Within), which gives exactly the whole search's
// answer. The browser's service (package live) does so when the last
// answer holds at most a quarter of the archive.
//
// A list that shows every match (the browser's) asks for Index.Rank: the
// ranked conversation numbers and whether each has a hit outside the
// title, in a few bytes per match; Index.Locate then finds the hit a row
// quotes, for the rows shown only. Options.Brief gives the same ranking
// as Results without Hits or Snippet; Best and Excerpt are set only for
// the results whose text was read (Result.Located).
//
// # Index
//
// The index keeps no copy of the text. Conversations are grouped into
// shards of about 16 MB of text, indexed on background goroutines as they
// are added, in that order (Builder.Ready gives those built so far). Per
// shard it holds:
//   - its vocabulary: every distinct word of folded text (runs of ASCII
//     letters, digits and '_' and of non-ASCII runes other than CJK
//     punctuation; at most 128 bytes), and per word the conversations
//     holding it, each with its occurrences per class of field (the
//     title, each role of shown messages, each role of hidden ones) and
//     the first field holding it (words.go);
//   - per field (the title and every Block text field on every branch,
//     hidden and folded messages included) a 32-byte record pointing at the
//     text, with its role, visibility, ASCII-ness and whether its
//     non-ASCII runes all fold to non-ASCII bytes ("opaque": "—", CJK,
//     most emoji); in conversations with a word over 128 bytes, also a
//     one-hash Bloom filter of each field's trigrams (0.5–1 bit per byte);
//   - per field of 2 KB or more that a search has read, a Bloom filter per
//     1 KB block (1 bit per byte) of its raw trigrams, ASCII lower-cased,
//     so an ASCII term of up to 66 bytes is looked for only in the blocks
//     that may hold it (blocks near a rune that folds to ASCII, é or ’,
//     admit everything); built in the background the first time a search
//     reads the field whole, and kept (blockcache.go);
//   - per conversation, a Bloom filter of its adjacent word pairs (the last
//     4 bytes of a word, the separator after it, the first 4 bytes of the
//     next word, within one field; 5–10 bits per distinct pair), so a
//     phrase is verified only in conversations that may hold each pair of
//     its adjacent words (pairs.go).
//
// A term that is one word (no space or punctuation: "data", "kube",
// "café", "数据库") can occur only inside a word, so the words of the
// vocabulary containing it (a substring search of the vocabulary) and
// their postings are exactly the conversations it matches, with the
// counts ranking needs and the classes role:, title: and hidden messages
// select: such queries read no text at all. A term with other bytes splits
// into its words, each of which must occur in a word of a field in scope,
// at a word's end, start or whole as the term's other bytes demand
// ("kubernetes cluster": a word ending in "kubernetes" and one starting
// with "cluster"); a term that starts and ends with a word byte also needs
// each pair of adjacent pieces in the conversation's pair filter
// ("…etes" + " " + "clus…"); those candidates are verified against the
// original text from the first field holding all its words, stopping at
// the first match.
// A one-letter word of a term is not looked up (most words hold it): the
// term is verified on the other terms' candidates, where a letter turns up
// within the first few bytes (exclusions are looked up whole, since
// verifying one means reading a whole conversation).
// Conversations with a longer word (base64, long CJK clauses) are not
// decided by the postings: they are verified whole, as before the word
// postings existed.
//
// Verifying skips fields whose Bloom filter (if any) lacks a term and matches an
// ASCII term in place (a case-insensitive 8-bytes-at-a-time pair scan) in
// ASCII and opaque fields, and in other fields segment by segment — runes
// that fold to non-ASCII bytes split the text, and only the words around
// a rune that folds to ASCII (é, ß, a combining mark) are folded; when only
// a proof of a match is needed, a raw match is one. Queries whose terms
// are all shorter than 3 folded bytes scan conversations newest first and
// stop once Options.Limit matches are found (Results.Partial).
//
// Measured on a generated 1 GB export (60,014 conversations, 382 MB of
// text; cmd/backchat-searchbench, 2 shared cores): index 0.28 × the text,
// built in about 1.9 s alone, 1.15–1.25 × the load's wall time when fed
// while loading; through the browser's adapter (Rank), a word in 55,000
// conversations 10 ms p50 / 11 ms p95, a phrase in 14,000 conversations
// 11 / 13 ms, a prefix, an exclusion or a filtered query 3–4 ms, a rare
// word or a miss under 1 ms, a 1-character query (top 200, Partial)
// 0.2 ms. On a generated 1 GB export of long conversations (17,467, 749
// MB of text; backchat-gen -shape long) the index is 0.13 × the text
// (0.26 before block filters were built on demand) and the phrase "kubernetes cluster" (1,700 matches; in the 250 MB export
// of that shape 4,387 of 4,431 conversations hold both words) costs
// 21–37 CPU-ms, down from 190–250 before the pair filters.
//
// # Saved indexes
//
// Index.Save writes an index into a snapshot and LoadIndex maps it back
// without rebuilding it (persist.go): the postings, vocabulary, filters and
// tables are slices over the mapping, field texts are offsets that the
// snapshot resolves (LoadIndexTexts' Texts: it decompresses the chunk of
// a conversation's text a verification reads, on first use), and no
// conversation is read, so a reopened archive searches at once. On the generated 1 GB export the saved index
// is 0.27 × its text (99 MB) and LoadIndex takes about 10 ms of CPU;
// VerifyChecksum, run in the background, checks it in 20–50 ms.
//
// # Concurrency
//
// Builder is safe for concurrent use; Index is immutable and safe for any
// number of concurrent searches. The model must not be mutated once added
// (the model package's invariant): the index points into its strings.
package search
