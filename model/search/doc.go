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
// See Query for the full semantics. In short: words and "quoted phrases"
// must all occur (substring match, any order), -word excludes, title:word,
// role:user|assistant|system|tool, model:prefix, after:/before: with YYYY,
// YYYY-MM or YYYY-MM-DD, is:archived|starred|deleted, has:image|code|branch,
// gpt:ID, service:prefix; any field can be negated with '-'. Matching is
// case- and accent-insensitive (see Fold). An unknown field is an error
// naming the known ones.
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
// For speed (unless Options.Exhaustive), a conversation stops being scanned
// once every term has been found and it has Options.MaxHits hits or 1 KB of
// its in-scope text has been examined (queries with exclusions scan to the
// end, but past that point only for the excluded terms). Its density is then that of the text examined — a sample
// that starts with the title and the first messages — and Result.Capped is
// set. This keeps a common word, which occurs in most conversations, from
// forcing a scan of the whole archive. Index.Hits lists every hit of one
// conversation for a viewer.
//
// # Index
//
// The index keeps no copy of the text. Conversations are grouped into
// shards of about 16 MB of text, indexed on background goroutines as they
// are added. Per shard it holds:
//   - for each of 2^17 trigram buckets (folded bytes, hashed), the list of
//     conversations containing it, delta-encoded as uvarints;
//   - per field (the title and every Block text field on every branch,
//     hidden and folded messages included) a 32-byte record pointing at the
//     text, with its role, visibility and ASCII-ness, and a one-hash Bloom
//     filter of its trigrams (0.5–1 bit per byte of text).
//
// A search intersects the posting lists of its terms' trigrams to get
// candidate conversations, skips fields whose Bloom filter lacks a term,
// and verifies the rest against the original text with a fold-aware
// matcher (a case-insensitive 8-bytes-at-a-time pair scan for ASCII
// fields, folding for others), so results are exact. Queries whose terms
// are all shorter than 3 folded bytes cannot use the trigrams; they scan
// conversations newest first and stop once Options.Limit matches are found
// (Results.Partial).
//
// Measured on a synthetic 500 MB-of-text corpus (scripts/bench-search.sh):
// index ≈ 0.25–0.33 × the text, build ≈ 2.5 CPU-seconds, queries 0.1–20 ms.
//
// # Concurrency
//
// Builder is safe for concurrent use; Index is immutable and safe for any
// number of concurrent searches. The model must not be mutated once added
// (the model package's invariant): the index points into its strings.
package search
