package main

import (
	"unicode/utf8"

	"github.com/backchat/backchat/internal/testkit/gen"
)

func convEscapes(d *demo) {
	b := d.conv("Strip ANSI codes \x1b]52;c;aGVsbG8=\x07from logs\x1b[2J", days(210), "gpt-4o")
	ask(b, "My CI log is full of junk like this when I open it in an editor:\n\n\x1b[32mPASS\x1b[0m ok  \x1b[1mpkg/api\x1b[0m 0.41s\n\nHow do I strip these colour codes?")
	reply(b, md(`
Those are **ANSI escape sequences**: §ESC [ … m§ sets colours and styles (SGR). Your editor shows them because the log was written for a terminal.

**Quick fixes**

- Tell the tool not to colour its output: most respect §NO_COLOR=1§, or use a flag such as §--color=never§.
- Strip them afterwards with §sed§:

'''bash
sed -E 's/\x1B\[[0-9;]*[A-Za-z]//g' ci.log > ci-clean.log
'''

- In Python:

'''python
import re
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
clean = ANSI.sub("", text)
'''

**Careful with untrusted text.** The simple pattern only removes CSI sequences. Terminals also understand *OSC* sequences (§ESC ]§ … §BEL§) which can set the window title or even write to your clipboard (OSC 52), so a program that prints untrusted text to a terminal should remove **every** escape and control character, not only colours.`))
	d.done(b)
}

func convNullTitle(d *demo) {
	b := d.conv(nil, days(240), "gpt-4o-mini")
	ask(b, "how many ml in a cup")
	reply(b, md(`
It depends on which cup:

- **US customary cup:** 236.6 ml (US nutrition labels round it to 240 ml)
- **Metric cup** (UK, Australia, Canada, NZ): **250 ml**
- **Japanese cup:** 200 ml

If a recipe is American, use ~240 ml; otherwise 250 ml is the safe bet.`))
	d.done(b)
}

func convGitRebase(d *demo) {
	b := d.conv("git rebase vs merge", days(270), "gpt-4o")
	ask(b, "When should I use git rebase instead of merge? My team argues about it constantly.")
	reply(b, md(`
Both integrate changes from one branch into another; they differ in the **history** they leave.

| | §git merge main§ | §git rebase main§ |
|---|---|---|
| History | Keeps the real, branching history plus a merge commit | Rewrites your commits on top of §main§: a straight line |
| Commit hashes | Unchanged | New hashes for your rebased commits |
| Conflicts | Resolved once, in the merge commit | May be resolved commit by commit |
| Safe on shared branches? | Yes | **No** — never rebase commits others have pulled |

**A common team rule that ends the argument:**

1. **Rebase your own feature branch** onto §main§ while you work (§git pull --rebase§, §git rebase -i§ to tidy commits). Nobody else has those commits, so rewriting them is harmless.
2. **Merge into main** via the pull request (or squash-merge), so §main§ is never rewritten.

Two settings that help:

'''bash
git config --global pull.rebase true        # rebase local commits on pull
git config --global rebase.autoStash true   # stash/unstash uncommitted work automatically
'''

If a rebase goes wrong, §git rebase --abort§ returns you to where you started, and §git reflog§ can find the old commits even after it finishes.`))
	d.done(b)
}

func convSQLWindow(d *demo) {
	b := d.conv("SQL: running total and top order per customer", days(300), "gpt-4o")
	ask(b, "In PostgreSQL, I have orders(id, customer_id, created_at, total). I need a running total per customer and each customer's biggest order. One query?")
	reply(b, md(`
Window functions do both without self-joins:

'''sql
SELECT
    id,
    customer_id,
    created_at,
    total,
    SUM(total) OVER (
        PARTITION BY customer_id
        ORDER BY created_at, id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS running_total,
    ROW_NUMBER() OVER (
        PARTITION BY customer_id
        ORDER BY total DESC, id
    ) = 1 AS is_biggest_order
FROM orders
ORDER BY customer_id, created_at, id;
'''

- §PARTITION BY customer_id§ restarts both calculations for each customer.
- The explicit §ROWS BETWEEN …§ frame matters: with the default (§RANGE§) frame, orders with the **same** §created_at§ would be summed together. Adding §id§ to the ordering also makes ties deterministic.
- §ROW_NUMBER() … = 1§ flags exactly one biggest order per customer; use §RANK()§ instead if ties should all be flagged.

To get *only* the biggest order per customer, PostgreSQL's §DISTINCT ON§ is the shortest:

'''sql
SELECT DISTINCT ON (customer_id) *
FROM orders
ORDER BY customer_id, total DESC, id;
'''

An index on §(customer_id, created_at)§ helps the first query on large tables.`))
	d.done(b)
}

func convCrashLoop(d *demo) {
	b := d.conv("Pod stuck in CrashLoopBackOff", days(330), "gpt-4o")
	ask(b, "A pod in our kubernetes cluster is stuck in CrashLoopBackOff after a deploy. Where do I start?")
	reply(b, md(`
§CrashLoopBackOff§ means the container starts, exits, and Kubernetes waits longer and longer before restarting it. The cause is in *why it exits*. Work through:

'''bash
# 1. Exit code, reason and recent events
kubectl describe pod <pod> -n <ns>

# 2. Logs of the *previous* (crashed) container, not the new one
kubectl logs <pod> -n <ns> --previous

# 3. What changed in the deploy
kubectl rollout history deployment/<name> -n <ns>
'''

**Read the exit code in §describe§ → "Last State":**

| Exit code / reason | Usually means |
|---|---|
| §1§ (Error) | The app crashed — the logs from step 2 say why (bad config, missing env var, can't reach the database) |
| §137§ (OOMKilled) | Memory limit too low, or a leak — raise §resources.limits.memory§ |
| §127§ | Command not found — wrong §command§/entrypoint or image |
| §0§ (Completed) | The process finished; a long-running container must not exit |

**Also check probes:** an over-eager §livenessProbe§ (too short §initialDelaySeconds§) kills a slow-starting app repeatedly. Events will show "Liveness probe failed".

If the new version is broken and you need service back first: §kubectl rollout undo deployment/<name> -n <ns>§.`))
	d.done(b)
}

func convRun5k(d *demo) {
	b := d.conv("Couch to 5k plan", days(360), "gpt-4o")
	ask(b, "I haven't run in years. Give me a realistic plan to run 5k without stopping.")
	reply(b, md(`
Here's a gentle **9-week plan**, three sessions a week with a rest day between. Each session starts with a 5-minute brisk walk to warm up.

| Week | Each session |
|---|---|
| 1 | Alternate 60 s running / 90 s walking, for 20 minutes |
| 2 | 90 s running / 2 min walking, for 20 minutes |
| 3 | 2 × (90 s run, 90 s walk, 3 min run, 3 min walk) |
| 4 | 3 min run, 90 s walk, 5 min run, 2.5 min walk, repeat once |
| 5 | Session A/B: 3 × 5 min run with 3 min walks. Session C: 20 min continuous |
| 6 | 2 × 10 min run with 3 min walk; last session 25 min continuous |
| 7 | 25 minutes continuous running |
| 8 | 28 minutes continuous running |
| 9 | 30 minutes continuous — about 5 km for most beginners 🎉 |

**Rules that keep you injury-free**
- Run at a pace where you can talk. Slow is fine; walking breaks are part of the plan.
- If a week felt hard, **repeat it**.
- Sharp pain (not general tiredness) means stop and rest.
- Decent running shoes matter more than any gadget.`))
	d.done(b)
}

func convFrenchEmail(d *demo) {
	b := d.conv("E-mail au propriétaire (chauffage)", days(400), "gpt-4o")
	ask(b, "Peux-tu corriger et rendre plus poli ce mail ? « Bonjour, le chauffage marche pas depuis 3 jours, il faut venir le réparer vite. »")
	reply(b, md(`
Voici une version plus polie et plus complète :

> **Objet : Panne de chauffage dans l'appartement — demande d'intervention**
>
> Bonjour Madame, Monsieur,
>
> Je me permets de vous signaler que le chauffage de mon appartement (3ᵉ étage, porte B) ne fonctionne plus depuis trois jours. Les radiateurs restent froids malgré la remise en marche de la chaudière.
>
> Avec les températures actuelles, la situation devient difficile. Pourriez-vous organiser l'intervention d'un technicien dans les meilleurs délais ? Je suis disponible en semaine après 17 h, ainsi que le samedi matin.
>
> Je vous remercie par avance de votre retour.
>
> Bien cordialement,
> Alex Martin

Petits conseils : précisez ce que vous avez déjà essayé (comme ici la chaudière) et gardez une trace écrite de vos échanges — c'est utile si la réparation tarde.`))
	d.done(b)
}

func convRegex(d *demo) {
	b := d.conv("Explain a password regex", days(430), "gpt-4o")
	ask(b, "What does this regex do? ^(?=.*\\d)(?=.*[a-z])(?=.*[A-Z]).{8,}$")
	reply(b, md(`
It checks that a password has **at least 8 characters** and contains **at least one digit, one lowercase and one uppercase letter**.

Piece by piece:

| Part | Meaning |
|---|---|
| §^§ | Start of the string |
| §(?=.*\d)§ | *Lookahead*: somewhere ahead there is a digit |
| §(?=.*[a-z])§ | …and a lowercase ASCII letter |
| §(?=.*[A-Z])§ | …and an uppercase ASCII letter |
| §.{8,}§ | Then 8 or more characters of any kind (except newlines) |
| §$§ | End of the string |

Lookaheads (§(?=…)§) test a condition **without consuming characters**, which is why all three checks can start from the beginning.

Caveats: §[a-z]§ and §[A-Z]§ ignore letters like é or Ä; and Go's §regexp§ package (RE2) does **not** support lookaheads — there you'd check each rule with a separate §strings.ContainsFunc§ or small regex.`))
	d.done(b)
}

func convBudget(d *demo) {
	b := d.conv("50/30/20 budget", days(470), "gpt-4o")
	ask(b, "I take home 3,200 € a month. How would the 50/30/20 rule split that?")
	reply(b, md(`
The 50/30/20 rule splits your **net** income into needs, wants and savings:

| Category | Share | Amount | Examples |
|---|---:|---:|---|
| **Needs** | 50 % | **1,600 €** | Rent, utilities, groceries, insurance, transport, minimum debt payments |
| **Wants** | 30 % | **960 €** | Eating out, hobbies, subscriptions, holidays |
| **Savings & debt** | 20 % | **640 €** | Emergency fund, retirement, extra debt repayment |
| **Total** | 100 % | **3,200 €** | |

Treat it as a starting point: if rent alone is 1,300 €, needs will exceed 50 %, and it's better to trim wants than savings. Build an emergency fund of 3–6 months of needs (here roughly 4,800–9,600 €) before investing.`))
	d.done(b)
}

func convDerivative(d *demo) {
	b := d.conv("Derivative of x^x", days(510), "gpt-4o")
	ask(b, "How do you differentiate x^x?")
	reply(b, md(`
Neither the power rule nor the exponential rule applies directly, because both the base and the exponent vary. Use **logarithmic differentiation** (for \(x > 0\)):

1. Let \(y = x^x\) and take the natural log of both sides:
\[
\ln y = x \ln x
\]
2. Differentiate both sides with respect to \(x\) (chain rule on the left, product rule on the right):
\[
\frac{1}{y}\,\frac{dy}{dx} = \ln x + x\cdot\frac{1}{x} = \ln x + 1
\]
3. Multiply by \(y = x^x\):
\[
\frac{d}{dx}\,x^x = x^x\,(\ln x + 1)
\]

**Check:** the derivative is zero when \(\ln x = -1\), i.e. at \(x = 1/e \approx 0.368\), which is where \(x^x\) has its minimum value \(e^{-1/e} \approx 0.692\).`))
	d.done(b)
}

func convTourDeFrance(d *demo) {
	b := d.conv("Tour de France 2024 winner", days(545), "gpt-4-browsing")
	ask(b, "Who won the Tour de France in 2024, and by how much?")
	url := "https://en.wikipedia.org/wiki/2024_Tour_de_France"
	b.Tick(2)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Code("unknown", `search("2024 Tour de France winner margin")`), Recipient: "browser"})
	b.Tick(4)
	b.Add(gen.Msg{Role: "tool", Name: "browser", Content: gen.Obj{{"content_type", "tether_browsing_display"},
		{"result", "# 【0†2024 Tour de France - Wikipedia†en.wikipedia.org】\nThe 2024 Tour de France was the 111th edition... Tadej Pogačar won the general classification...\n# 【1†Pogačar wins the Tour de France - Cyclingnews†www.cyclingnews.com】\nPogačar completes the Giro-Tour double..."},
		{"summary", nil}, {"assets", []any{}}, {"tether_id", nil}},
		Meta: gen.Obj{{"command", "search"}, {"args", []string{"2024 Tour de France winner margin"}}, {"status", "finished"}}})
	b.Tick(2)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Code("unknown", "quote(\"Tadej Pogačar won\", \"Jonas Vingegaard\")"), Recipient: "browser"})
	quote := "Tadej Pogačar won the general classification, 6 minutes and 17 seconds ahead of Jonas Vingegaard, with Remco Evenepoel third. Pogačar won six stages and became the first rider since Marco Pantani in 1998 to win the Giro d'Italia and the Tour de France in the same year."
	b.Tick(3)
	b.Add(gen.Msg{Role: "tool", Name: "browser", Content: gen.Obj{{"content_type", "tether_quote"}, {"url", url}, {"domain", "en.wikipedia.org"}, {"text", quote}, {"title", "2024 Tour de France - Wikipedia"}, {"tether_id", nil}},
		Meta: gen.Obj{{"command", "quote"}, {"status", "finished"}}})
	text := "**Tadej Pogačar** won the 2024 Tour de France, finishing **6 minutes 17 seconds** ahead of Jonas Vingegaard, with Remco Evenepoel third. He also won six stages and completed the rare Giro–Tour double, the first since Marco Pantani in 1998"
	start := utf8.RuneCountInString(text)
	text += "【0†source】."
	b.Tick(5)
	b.Add(gen.Msg{Role: "assistant", Content: gen.Text(text), EndTurn: true,
		Meta: gen.Obj{{"citations", []any{gen.Obj{{"start_ix", start}, {"end_ix", start + utf8.RuneCountInString("【0†source】")},
			{"citation_format_type", "tether_og"}, {"metadata", gen.Obj{{"type", "webpage"}, {"title", "2024 Tour de France - Wikipedia"},
				{"url", url}, {"text", quote}, {"pub_date", nil}, {"extra", gen.Obj{{"cited_message_idx", 4}, {"evidence_text", "source"}}}}}}}}}})
	d.done(b)
}
