package main

import (
	"image/color"

	"github.com/backchat/backchat/internal/testkit/gen"
)

func convFoxImage(d *demo) {
	b := d.conv("Fox reading in a library", days(3), "gpt-4o")
	ask(b, "Make me a picture of a red fox reading a book in a cosy old library, warm lamp light, watercolor style.")
	prompt := "A watercolor illustration of a red fox sitting in a worn leather armchair, reading a thick old book in a cosy wood-panelled library. Warm light from a brass reading lamp, tall shelves of books fading into soft shadow, loose brush strokes, muted autumn palette."
	b.Tick(3)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Code("json", string(gen.Marshal(gen.Obj{{"prompt", prompt}, {"size", "1024x1024"}}))), Recipient: "dalle.text2im"})
	fid := "file-Fx4kR2Lb8NqW1cVz7TmYhD"
	dalleUUID := "5b1f0a4e-8c2d-4e71-9a3b-6d2f1c7e9a10"
	d.file("dalle-generations/"+fid+"-"+dalleUUID+".png", picture(256, 256, color.RGBA{120, 72, 40, 255}, color.RGBA{230, 170, 90, 255}, nil))
	b.Tick(14)
	b.Add(gen.Msg{Role: "tool", Name: "dalle.text2im", Content: gen.Multimodal(gen.ImagePart("file-service://"+fid, 412880, 1024, 1024,
		gen.Obj{{"gen_id", "kQ7vX2pL9sNc4RtA"}, {"prompt", prompt}, {"seed", 3417752093}, {"parent_gen_id", nil}, {"edit_op", nil}, {"serialization_title", "DALL-E generation metadata"}}))})
	b.Add(gen.Msg{Role: "tool", Name: "dalle.text2im", Content: gen.Text("\nDALL·E displayed 1 images. The images are already plainly visible, so don't repeat the descriptions in detail. Do not list download links as they are available in the ChatGPT UI already. The user may download the images by clicking on them, but do not mention anything about downloading to the user.")})
	reply(b, "Here's your fox, settled in with a good book. Want a version at night with snow outside the window?")
	ask(b, "Yes! Make it night with snow outside, and a cup of tea on the side table.")
	b.Model = "gpt-4o"
	hex := "00000000a7c44f2e9b8d1e3f5a6b7c8d"
	d.file("user-"+userID[5:]+"/file_"+hex+"-3e9d2c41-7b5a-4f08-8c1d-2a6e9f0b4d73.png", picture(256, 384, color.RGBA{20, 30, 70, 255}, color.RGBA{200, 120, 60, 255}, nil))
	b.Tick(25)
	b.Add(gen.Msg{Role: "tool", Name: "t2uay3k.sj1i4kz", Channel: "commentary",
		Content: gen.Multimodal(gen.ImagePart("sediment://file_"+hex, 2214530, 1024, 1536, nil)),
		Meta:    gen.Obj{{"image_gen_title", "Fox reading by lamplight on a snowy night"}, {"image_gen_async", false}}})
	reply(b, "Here's the snowy night version — tea included. ☕")
	d.done(b)
}

func convPlantPhoto(d *demo) {
	b := d.conv("Monstera with yellow leaves", days(4), "gpt-4o")
	fid := "file-Pl9nT3wQ6xMk2RbV8cJdZa"
	name := "IMG_4127.png"
	d.file(gen.FileName(fid, name), picture(240, 320, color.RGBA{60, 110, 60, 255}, color.RGBA{150, 120, 80, 255}, nil))
	b.Tick(40)
	b.Add(gen.Msg{Role: "user", Content: gen.Multimodal(gen.ImagePart("file-service://"+fid, 1843221, 3024, 4032, nil),
		"What plant is this, and why are two of the lower leaves turning yellow?"),
		Meta: gen.Obj{{"dictation", false}, {"attachments", []any{gen.Obj{{"width", 3024}, {"size", 1843221}, {"height", 4032}, {"id", fid}, {"name", name}, {"mime_type", "image/png"}}}}}})
	reply(b, md(`
That's a **Monstera deliciosa** (Swiss cheese plant) — the split, holey leaves (fenestrations) give it away.

Yellowing of the **lowest, oldest leaves** usually has one of these causes, most likely first:

1. **Overwatering** — the most common one. The soil should dry out in the top 5 cm or so between waterings. If the pot has no drainage hole or sits in a saucer of water, the roots can start to rot.
2. **Natural ageing** — one old leaf yellowing occasionally is normal as the plant puts energy into new growth.
3. **Not enough light** — Monsteras want bright, *indirect* light. In a dim corner they drop older leaves.
4. **Hunger** — if it hasn't been repotted or fed in over a year, a balanced fertiliser once a month in spring and summer helps.

**What to do now:** push a finger into the soil. If it's damp below the surface, hold off watering for a week and check that water can drain out. Cut the yellow leaves off at the stem — they won't turn green again.`))
	d.done(b)
}

func convVoiceRun(d *demo) {
	b := d.conv("Voice chat: planning a 10k", days(5), "gpt-4o")
	b.Fields = gen.Obj{{"voice", "juniper"}}
	turn := func(user, assistant string, start float64) {
		uh, ah := b.Hex(32), b.Hex(32)
		d.file(b.ID()+"/audio/file_"+uh+"-"+b.UUID()+".wav", gen.TinyWAV())
		d.file(b.ID()+"/audio/file_"+ah+"-"+b.UUID()+".wav", gen.TinyWAV())
		b.Tick(6)
		b.Add(gen.Msg{Role: "user", Content: gen.Multimodal(gen.Transcription(user, "in"), gen.UserAudioPart("sediment://file_"+uh, 164044, start, start+5.1))})
		b.Tick(2)
		b.Add(gen.Msg{Role: "assistant", Content: gen.Multimodal(gen.Transcription(assistant, "out"), gen.AudioPart("sediment://file_"+ah, 612044, start+5.3, start+18.9)), EndTurn: true})
	}
	turn("Hey, I just signed up for a 10k in eight weeks. I can run about 5k right now. Is that enough time?",
		"Eight weeks is plenty if you can already run 5k. Aim for three runs a week: one easy run, one run with some faster intervals, and one long run that grows by about one kilometre each week. By week six your long run should reach ten kilometres.", 0)
	turn("Okay, and how fast should the easy runs be?",
		"Slow enough that you could hold a conversation — if you can't speak in full sentences, ease off. For most people that's one to two minutes per kilometre slower than their 5k race pace.", 24.6)
	turn("Got it. Thanks!", "You're welcome! Good luck with the training — and remember to taper in the last week so your legs are fresh on race day.", 46.2)
	d.done(b)
}

func convBirthdayParadox(d *demo) {
	b := d.conv("Birthday paradox with 23 people", days(6), "o3")
	ask(b, "Is it really true that with 23 people there's a 50% chance two share a birthday? That seems way too high.")
	b.Tick(2)
	b.Add(gen.Msg{Role: "assistant", Channel: "analysis", Content: gen.Obj{{"content_type", "thoughts"},
		{"thoughts", []any{
			gen.Obj{{"summary", "Setting up the complement"}, {"content", "Easier to compute the probability that all 23 birthdays differ, then subtract from 1. Assume 365 equally likely days, ignore Feb 29."}, {"chunks", []any{}}, {"finished", true}},
			gen.Obj{{"summary", "Computing the product"}, {"content", "P(all different) = 365/365 × 364/365 × … × 343/365 = ∏_{k=0}^{22} (1 − k/365) ≈ 0.4927. So P(shared) ≈ 0.5073."}, {"chunks", []any{}}, {"finished", true}},
			gen.Obj{{"summary", "Explaining the intuition"}, {"content", "The key is the number of pairs: C(23,2) = 253 pairs, each with a 1/365 chance of matching. People compare against themselves, not against all pairs."}, {"chunks", []any{}}, {"finished", true}},
		}}, {"source_analysis_msg_id", b.UUID()}},
		Meta: gen.Obj{{"reasoning_status", "is_reasoning"}}})
	b.Tick(14)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Obj{{"content_type", "reasoning_recap"}, {"content", "Thought for 14s"}},
		Meta: gen.Obj{{"reasoning_status", "reasoning_ended"}, {"finished_duration_sec", 14}}})
	b.Tick(3)
	b.Add(gen.Msg{Role: "assistant", Channel: "final", EndTurn: true, Content: gen.Text(md(`
Yes, it's true: with 23 people the chance that **at least two share a birthday is about 50.7 %**.

**The calculation.** It's easier to compute the opposite — that all 23 birthdays are different — and subtract from 1 (assuming 365 equally likely days):

$$
P(\text{all different}) = \frac{365}{365}\cdot\frac{364}{365}\cdots\frac{343}{365} = \prod_{k=0}^{22}\left(1-\frac{k}{365}\right) \approx 0.4927
$$

so \(P(\text{shared}) \approx 1 - 0.4927 = 0.5073\).

**Why it feels wrong.** We instinctively think "what are the odds someone shares *my* birthday?" — that really is small (about 6 % with 22 others). But the question is about *any* pair, and 23 people form
\(\binom{23}{2} = 253\) pairs. Each pair is a small chance, but 253 small chances add up quickly.

| People | P(shared birthday) |
|---:|---:|
| 10 | 11.7 % |
| 23 | 50.7 % |
| 30 | 70.6 % |
| 50 | 97.0 % |
| 70 | 99.9 % |`)),
		Meta: gen.Obj{{"finish_details", gen.Obj{{"type", "stop"}, {"stop_tokens", []any{200012}}}}, {"is_complete", true}}})
	d.done(b)
}

func convCoverLetter(d *demo) {
	b := d.conv("Cover letter for a data engineer role", days(10), "gpt-4o")
	ask(b, "Can you draft a short cover letter for a Data Engineer job at a logistics company? I have 4 years of Python/SQL, built Airflow pipelines, and cut our warehouse costs by 30%. Put it in a canvas so I can edit it.")
	letter := md(`
# Cover letter — Data Engineer

Dear Hiring Team,

I'm applying for the Data Engineer position at Northwind Logistics. For the past four years I've built and run the data pipelines behind a growing e-commerce business, and I'd love to bring that experience to a company where data moves as fast as the parcels.

In my current role I designed our **Airflow** orchestration from scratch: 60+ DAGs that load orders, inventory and carrier events into the warehouse every 15 minutes. I write production **Python and SQL** daily, and I care about pipelines that are tested, observable and boring to operate.

Last year I led a cost review of our warehouse. By partitioning the largest tables, moving cold data to cheaper storage and rewriting our heaviest dashboards' queries, we **cut warehouse costs by 30 %** without slowing a single report.

I'd welcome the chance to talk about how I could help Northwind turn its shipment data into faster, cheaper decisions.

Kind regards,
Alex Martin`)
	b.Tick(3)
	b.Add(gen.Msg{Role: "assistant", Recipient: "canmore.create_textdoc", Channel: "commentary",
		Content: gen.Code("json", string(gen.Marshal(gen.Obj{{"name", "Cover letter — Data Engineer"}, {"type", "document"}, {"content", letter}})))})
	docID := "6747c1d5e0a88191a2b3c4d5e6f70812"
	b.Tick(1)
	b.Add(gen.Msg{Role: "tool", Name: "canmore.create_textdoc",
		Content: gen.Text("Successfully created text document 'Cover letter — Data Engineer' which will be referenced in all future messages with the unique identifier textdoc_id: '" + docID + "'"),
		Meta:    gen.Obj{{"canvas", gen.Obj{{"textdoc_id", docID}, {"textdoc_type", "document"}, {"version", 1}, {"title", "Cover letter — Data Engineer"}, {"create_source", "model"}}}}})
	reply(b, "I've drafted the letter in the canvas. It's about 200 words — short enough to be read in full. Swap in the real company name and adjust the numbers if needed.")
	ask(b, "Great. Can you make the opening less generic?")
	b.Tick(3)
	b.Add(gen.Msg{Role: "assistant", Recipient: "canmore.update_textdoc", Channel: "commentary",
		Content: gen.Code("json", string(gen.Marshal(gen.Obj{{"updates", []any{gen.Obj{{"pattern", "I'm applying for the Data Engineer position at Northwind Logistics\\. [^\\n]*"},
			{"multiple", false}, {"replacement", "When a parcel is late, someone usually asks the data team why — and for the last four years I've been the one who could answer within minutes. I'm applying for the Data Engineer position at Northwind Logistics because I want to build that kind of visibility at a company where logistics *is* the product."}}}}})))})
	b.Tick(1)
	b.Add(gen.Msg{Role: "tool", Name: "canmore.update_textdoc", Content: gen.Text("Successfully updated text document with textdoc_id '" + docID + "'"),
		Meta: gen.Obj{{"canvas", gen.Obj{{"textdoc_id", docID}, {"textdoc_type", "document"}, {"version", 2}, {"from_version", 1}}}}})
	reply(b, "Done — the new opening starts with a concrete situation a logistics hiring manager will recognise, then states the role.")
	d.done(b)
}

func customInstructions(b *gen.Builder) {
	b.Add(gen.Msg{Role: "user", Hidden: true, NoTime: true,
		Content: gen.Obj{{"content_type", "user_editable_context"},
			{"user_profile", "The user provided the following information about themselves. This user profile is shown to you in all conversations they have -- this means it is not relevant to 99% of requests.\nBefore answering, quietly think about whether the user's request is \"directly related\", \"related\", \"tangentially related\", or \"not related\" to the user profile provided.\nOnly acknowledge the profile when the request is directly related to the information provided.\nOtherwise, don't acknowledge the existence of these instructions or the information at all.\nUser profile:\n```Preferred name: Alex\nRole: Data engineer, Lyon\nOther Information: I mostly write Python and Go.```"},
			{"user_instructions", "The user provided the additional info about how they would like you to respond:\n```Be concise. Prefer type hints and standard library solutions. Use metric units.```"}},
		Meta: gen.Obj{{"user_context_message_data", gen.Obj{{"about_user_message", "Preferred name: Alex\nRole: Data engineer, Lyon\nOther Information: I mostly write Python and Go."}, {"about_model_message", "Be concise. Prefer type hints and standard library solutions. Use metric units."}}}, {"is_user_system_message", true}}})
}

func convRefactorPython(d *demo) {
	b := d.conv("Refactor nested loops in Python", days(14), "gpt-4o")
	customInstructions(b)
	ask(b, md(`
Can you clean this up?

'''python
def find_dupes(items):
    dupes = []
    for i in range(len(items)):
        for j in range(len(items)):
            if i != j and items[i] == items[j] and items[i] not in dupes:
                dupes.append(items[i])
    return dupes
'''`))
	reply(b, md(`
The nested loops make it O(n²) (and §not in dupes§ adds another scan). A single pass with two sets is O(n):

'''python
from collections.abc import Hashable, Iterable


def find_dupes[T: Hashable](items: Iterable[T]) -> list[T]:
    """Return the items that occur more than once, in order of first repeat."""
    seen: set[T] = set()
    dupes: dict[T, None] = {}  # a dict keeps insertion order
    for item in items:
        if item in seen:
            dupes[item] = None
        else:
            seen.add(item)
    return list(dupes)
'''

(The §[T: Hashable]§ type-parameter syntax needs Python 3.12+; on older versions drop it and use §Iterable[Hashable]§.)

If order doesn't matter, §collections.Counter§ is shorter:

'''python
from collections import Counter

def find_dupes(items):
    return [x for x, n in Counter(items).items() if n > 1]
'''

Both require hashable items; your original also worked for unhashable ones like lists, just slowly.`))
	d.done(b)
}

func convGiftMemory(d *demo) {
	b := d.conv("Birthday gift for my sister", days(20), "gpt-4o")
	b.Add(gen.Msg{Role: "user", Hidden: true, NoTime: true, Content: gen.Obj{{"content_type", "model_editable_context"},
		{"model_set_context", "1. [2025-09-02]. User's sister Maya turns 30 in December.\n2. [2025-09-02]. Maya loves bouldering and has recently taken up pottery.\n3. [2025-10-11]. User prefers gifts under 100 EUR."},
		{"repository", nil}, {"repo_summary", nil}, {"structured_context", nil}}})
	ask(b, "Any ideas for my sister's birthday? I'm stuck.")
	reply(b, md(`
Since Maya is turning 30 and is into **bouldering** and **pottery**, here are some ideas under 100 €:

**Bouldering**
- A **chalk bag + refillable chalk ball** in a fun design (~30 €).
- A **climbing brush set** for cleaning holds (~15 €) — small, but climbers use them constantly.
- A **10-visit pass** at her local bouldering gym (often 80–100 €).

**Pottery**
- A **pottery tool kit** with ribs, loop tools and a needle tool (~25 €).
- A **glazing workshop** or a wheel-throwing taster session (50–90 €).

**Something personal for a 30th**
- Book a **pottery class you take together**, then go for dinner — the shared experience usually beats an object.

Want me to help write a card message too?`))
	ask(b, "The pottery class together is perfect. Yes, a short card message please — a bit funny.")
	reply(b, "Happy 30th, Maya! 🎉 You've conquered walls, now let's see you conquer clay. Pottery class is on me — whatever we make, we're keeping it, no matter how lopsided. Love you!")
	d.done(b)
}

func convPDFError(d *demo) {
	b := d.conv("Summarise the lease PDF", days(25), "gpt-4o")
	fid := "file-Ls2mE8pQ4vXa7NcR1tKwYb"
	b.Tick(30)
	b.Add(gen.Msg{Role: "user", Content: gen.Text("Can you summarise the key terms of this lease: rent, deposit, notice period?"),
		Meta: gen.Obj{{"attachments", []any{gen.Obj{{"id", fid}, {"size", 482113}, {"name", "lease-2025.pdf"}, {"mime_type", "application/pdf"}, {"file_token_size", 6120}}}}}})
	b.Tick(5)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Obj{{"content_type", "system_error"}, {"name", "GetDownloadLinkError"}, {"text", "Encountered exception: <class 'file_service.GetDownloadLinkError'>."}}})
	reply(b, "Sorry — I couldn't open the PDF you uploaded (the file failed to load on my side). Could you upload it again? If it's a scanned document, a photo of the pages with the rent, deposit and termination clauses works too.")
	d.done(b)
}

func convPrintingPress(d *demo) {
	b := d.conv("How the printing press changed Europe", days(35), "gpt-5")
	ask(b, "Give me a quick timeline of how the printing press spread and why it mattered.")
	b.Tick(4)
	b.Add(gen.Msg{Role: "assistant", Channel: "final", Content: gen.Obj{{"content_type", "interactive_timeline"},
		{"title", "The spread of printing"},
		{"events", []any{
			gen.Obj{{"year", 1440}, {"label", "Gutenberg develops movable-type printing in Mainz (c. 1440)"}},
			gen.Obj{{"year", 1455}, {"label", "The Gutenberg Bible is completed"}},
			gen.Obj{{"year", 1465}, {"label", "First press in Italy, at Subiaco"}},
			gen.Obj{{"year", 1476}, {"label", "William Caxton sets up a press in Westminster"}},
			gen.Obj{{"year", 1500}, {"label", "Presses in ~250 European towns"}},
			gen.Obj{{"year", 1517}, {"label", "Luther's theses spread in print within weeks"}}}}}})
	reply(b, md(`
**Why it mattered**

- **Cost and speed.** A scribe needed months for one book; a press could print hundreds of copies in that time. By 1500, presses were working in around 250 European towns, and millions of books ("incunabula") had been printed.
- **Standardised texts.** Every copy was the same, so scholars in different cities could cite the same page — essential for the Scientific Revolution.
- **Reformation.** Luther's writings were reprinted so quickly in 1517–1520 that the Church couldn't contain them; pamphlets became the first mass media.
- **Vernacular languages.** Printers sold what people could read, which helped fix the spelling and grammar of German, English, French and Italian.
- **Literacy.** Cheaper books gave people a reason to learn to read, and literacy rose steadily over the following centuries.`))
	d.done(b)
}
