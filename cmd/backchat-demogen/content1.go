package main

import (
	"image/color"
	"strings"
	"time"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// md turns the placeholders used in raw strings into Markdown backticks:
// ”' → ``` and § → `.
func md(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), "'''", "```"), "§", "`")
}

func convCarbonara(d *demo) {
	b := d.conv("Weeknight carbonara", 3*time.Hour, "gpt-5")
	ask(b, "I have eggs, a chunk of pecorino, some guanciale and spaghetti. How do I make a proper carbonara without scrambling the eggs?")
	reply(b, md(`
Good news: you have exactly the classic ingredients. Here's a reliable method for **2 people**.

### Ingredients
- 200 g spaghetti
- 100 g guanciale, cut into thick matchsticks
- 2 whole eggs + 2 yolks
- 50 g Pecorino Romano, finely grated (plus extra to serve)
- Lots of freshly ground black pepper

### Method
1. **Start the pasta water.** Salt it lightly — pecorino and guanciale are already salty.
2. **Render the guanciale.** Put it in a cold, wide pan over medium heat. Cook 6–8 minutes until the fat is translucent and the edges are crisp. Turn off the heat.
3. **Make the cream.** Whisk the eggs, yolks, pecorino and a generous amount of pepper into a thick paste.
4. **Cook the spaghetti** 1 minute short of the packet time. Keep a mug of pasta water.
5. **Combine off the heat.** Move the pasta into the guanciale pan with a splash of pasta water and toss to coat it in the fat. Wait ~30 seconds so the pan is hot but not sizzling.
6. **Add the egg mixture** and toss constantly, adding pasta water a tablespoon at a time, until the sauce is glossy and coats the strands.

### Why the eggs don't scramble
Eggs begin to set around 65 °C. The pan must be **off the heat**: the residual heat of the pasta and fat is enough to thicken the sauce without cooking the eggs into curds. If it looks too thin, return the pan to *very low* heat for a few seconds while tossing.

Serve immediately with more pecorino and pepper. No cream, no garlic — that's the Roman way. 🍝`))
	ask(b, "Can I use parmesan instead if I run out of pecorino?")
	reply(b, md(`
Yes. Parmigiano-Reggiano works well; the dish will be a little milder and nuttier, less sharp and salty. Many cooks in Rome use a **50/50 mix** of pecorino and parmesan for exactly that balance.

Two small adjustments:
- Salt the pasta water slightly more, since parmesan is less salty.
- Grate it very finely so it melts into the sauce instead of clumping.`))
	d.done(b)
}

func convGoWorkers(d *demo) {
	b := d.conv("Go worker pool with errgroup", 7*time.Hour, "gpt-5")
	ask(b, md(`
I need to fetch ~2,000 URLs in Go, at most 8 at a time, and stop everything on the first error. Is errgroup the right tool?`))
	reply(b, md(`
Yes — §golang.org/x/sync/errgroup§ is a good fit. Its §SetLimit§ method bounds the number of goroutines, and §WithContext§ cancels the shared context when the first goroutine returns an error.

'''go
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
)

func fetchAll(ctx context.Context, urls []string) ([]int, error) {
	sizes := make([]int, len(urls)) // each goroutine writes only its own index
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)

	client := &http.Client{Timeout: 15 * time.Second}
	for i, url := range urls {
		g.Go(func() error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return fmt.Errorf("fetch %s: %w", url, err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("fetch %s: %s", url, resp.Status)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			sizes[i] = int(n)
			return err
		})
	}
	return sizes, g.Wait()
}
'''

A few notes:

- **§g.Go§ blocks** once 8 goroutines are running, so the loop itself applies back-pressure; you never have 2,000 goroutines alive.
- **Cancellation:** after the first error, §ctx§ is cancelled, so in-flight requests abort and queued ones fail fast. §g.Wait()§ returns that first error.
- **No mutex needed** for §sizes§: each goroutine writes a distinct element.
- Since Go 1.22 the loop variables §i§ and §url§ are per-iteration, so capturing them in the closure is safe.

If you'd rather *collect* errors than stop at the first one, drop §WithContext§ and record errors per index instead.`))
	ask(b, "How would I add a per-host limit so I don't hammer one server?")
	reply(b, md(`
Keep the global limit from errgroup and add a small semaphore per host. A buffered channel works well as a semaphore:

'''go
type hostLimiter struct {
	mu      sync.Mutex
	perHost int
	sems    map[string]chan struct{}
}

func (h *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	h.mu.Lock()
	sem, ok := h.sems[host]
	if !ok {
		sem = make(chan struct{}, h.perHost)
		h.sems[host] = sem
	}
	h.mu.Unlock()

	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
'''

Inside §g.Go§, parse the URL, call §release, err := limiter.acquire(ctx, u.Host)§, and §defer release()§ before making the request. With §SetLimit(8)§ and §perHost: 2§, you get at most 8 requests overall and 2 per server.

One caveat: a goroutine waiting on a busy host still occupies one of the 8 global slots. If most URLs share a few hosts, group the URLs by host first and give each host its own small worker loop instead.`))
	d.done(b)
}

func convLisbon(d *demo) {
	b := d.conv("Lisbon in 4 days", 26*time.Hour, "gpt-4o")
	ask(b, "I'm going to Lisbon for 4 days in March. What should I not miss, and is the Lisboa Card worth it?")
	search(b, "Lisboa Card price what is included")
	sources := []src{
		{"Lisboa Card — Visit Lisboa", "https://www.visitlisboa.com/en/lisboa-card?utm_source=chatgpt.com", "visitlisboa.com",
			"Free travel on public transport, free entry to museums and monuments and discounts, for 24, 48 or 72 hours."},
		{"Jerónimos Monastery — Official site", "https://www.patrimoniocultural.gov.pt/en/museus-e-monumentos/jeronimos?utm_source=chatgpt.com", "patrimoniocultural.gov.pt",
			"The monastery is a UNESCO World Heritage site, together with the nearby Tower of Belém."},
		{"Tram 28 — Carris", "https://www.carris.pt/en/?utm_source=chatgpt.com", "carris.pt",
			"Historic tram line 28 runs between Martim Moniz and Campo Ourique through Graça, Alfama and Baixa."},
		{"Sintra day trip guide", "https://www.lonelyplanet.com/portugal/sintra?utm_source=chatgpt.com", "lonelyplanet.com",
			"Trains from Rossio station reach Sintra in about 40 minutes."},
	}
	cited(b, md(`
Four days is a great amount of time for Lisbon — enough for the main neighbourhoods plus a day trip.

### A simple plan
1. **Day 1 – Baixa, Chiado and Alfama.** Walk from Praça do Comércio up through Alfama to the Miradouro de Santa Luzia. Ride the historic **tram 28**, which crosses Graça, Alfama and Baixa — go early to avoid the queues {2}.
2. **Day 2 – Belém.** The Jerónimos Monastery and the Tower of Belém are both UNESCO-listed {1}; have a pastel de nata at the famous bakery nearby and see the MAAT on the river.
3. **Day 3 – Sintra.** Take the train from Rossio; it takes about 40 minutes {3}. Pena Palace and Quinta da Regaleira easily fill a day.
4. **Day 4 – LX Factory, Bairro Alto and a fado evening.**

### Is the Lisboa Card worth it?
It bundles unlimited public transport — including the train to Sintra — with free or discounted entry to many museums and monuments, for 24, 48 or 72 hours {0}. It pays off if you do Belém (Jerónimos + tower) and use transport a lot. A **72-hour card** started on Day 1 covers Days 1–3, Sintra train included; note that Sintra's palaces only get a discount, not free entry.

March is mild (around 15–18 °C) but bring a rain jacket and shoes with grip: the limestone pavements get slippery.`), sources)
	d.done(b)
}

func convSalesAnalysis(d *demo) {
	b := d.conv("Monthly revenue analysis", 30*time.Hour, "gpt-4o")
	csvID := "file-Q3nV8xKc1LmT7pRzW2aYdE"
	csv := "date,region,amount\n2025-01-15,North,12840.50\n2025-02-14,North,11920.00\n2025-03-17,South,14210.75\n2025-04-15,North,15890.20\n2025-05-15,South,16420.00\n2025-06-16,North,18234.50\n2025-07-15,South,20111.75\n2025-08-15,North,19876.10\n"
	d.file(gen.FileName(csvID, "sales_2025.csv"), []byte(csv))
	b.Tick(30)
	b.Add(gen.Msg{Role: "user", Content: gen.Text("Here is our 2025 sales export. Can you plot revenue per month and tell me the trend?"),
		Meta: gen.Obj{{"attachments", []any{gen.Obj{{"id", csvID}, {"size", len(csv)}, {"name", "sales_2025.csv"}, {"mime_type", "text/csv"}}}}}})
	code := "import pandas as pd\nimport matplotlib.pyplot as plt\n\ndf = pd.read_csv('/mnt/data/sales_2025.csv', parse_dates=['date'])\nmonthly = df.groupby(df['date'].dt.to_period('M'))['amount'].sum()\n\nax = monthly.plot(kind='bar', figsize=(8, 4), color='#1f77b4')\nax.set_title('Revenue per month, 2025')\nax.set_xlabel('')\nax.set_ylabel('EUR')\nplt.tight_layout()\nplt.show()\n\nmonthly"
	b.Tick(4)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Code("python", code), Recipient: "python"})
	plotID := "file-7HcX2vNq9RbL4sKtY1mZpA"
	values := []float64{12840.50, 11920.00, 14210.75, 15890.20, 16420.00, 18234.50, 20111.75, 19876.10}
	d.file(gen.FileName(plotID, "revenue_per_month.png"), picture(400, 200, color.RGBA{255, 255, 255, 255}, color.RGBA{245, 245, 245, 255}, values))
	b.Tick(3)
	out := "date\n2025-01    12840.50\n2025-02    11920.00\n2025-03    14210.75\n2025-04    15890.20\n2025-05    16420.00\n2025-06    18234.50\n2025-07    20111.75\n2025-08    19876.10\nFreq: M, Name: amount, dtype: float64"
	b.Add(gen.Msg{Role: "tool", Name: "python", Content: gen.Obj{{"content_type", "execution_output"}, {"text", out}},
		Meta: gen.Obj{{"is_complete", true}, {"aggregate_result", gen.Obj{{"status", "success"}, {"run_id", b.UUID()},
			{"start_time", b.Now() - 2.1}, {"update_time", b.Now()}, {"code", code}, {"end_time", b.Now()},
			{"final_expression_output", out}, {"in_kernel_exception", nil}, {"system_exception", nil},
			{"messages", []any{gen.Obj{{"message_type", "image"}, {"time", b.Now()}, {"sender", "server"},
				{"image_payload", nil}, {"image_url", "file-service://" + plotID}, {"width", 800}, {"height", 400}}}},
			{"jupyter_messages", []any{}}, {"timeout_triggered", nil}}}}})
	reply(b, md(`
Here's the monthly revenue for January–August 2025 (chart above).

**The trend is clearly upward:**

| | Revenue (EUR) |
|---|---:|
| January | 12,840.50 |
| February | 11,920.00 |
| August | 19,876.10 |
| **Total Jan–Aug** | **129,503.80** |

- Revenue grew from about **€12.8k in January to €19.9k in August**, an increase of roughly **55 %**.
- February is the only real dip (−7 % vs January), which is common after holiday-season purchases.
- July was the best month (€20.1k); August was nearly flat compared to it (−1.2 %), so growth may be levelling off.

Note that each month has a single row in this file, so these are the totals as exported — if the file is a sample, the shape will hold but the absolute numbers won't. Want me to split it by region as well?`))
	d.done(b)
}
