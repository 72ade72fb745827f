package render

// texSymbols maps LaTeX commands without arguments to Unicode.
var texSymbols = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
	"eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
	"xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
	"upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
	"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
	"times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "ast": "∗", "star": "⋆", "circ": "∘",
	"bullet": "•", "oplus": "⊕", "otimes": "⊗",
	"leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "equiv": "≡",
	"sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝", "ll": "≪", "gg": "≫", "prec": "≺", "succ": "≻",
	"infty": "∞", "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
	"partial": "∂", "nabla": "∇",
	"to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
	"Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⇒", "impliedby": "⇐", "iff": "⇔", "mapsto": "↦",
	"uparrow": "↑", "downarrow": "↓", "longrightarrow": "⟶", "longmapsto": "⟼",
	"in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇",
	"cup": "∪", "cap": "∩", "bigcup": "⋃", "bigcap": "⋂", "setminus": "∖", "emptyset": "∅", "varnothing": "∅",
	"forall": "∀", "exists": "∃", "nexists": "∄", "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧",
	"lor": "∨", "vee": "∨", "top": "⊤", "bot": "⊥", "perp": "⊥", "parallel": "∥", "mid": "∣", "vdash": "⊢",
	"models": "⊨",
	"ldots":  "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "ddots": "⋱",
	"degree": "°", "angle": "∠", "triangle": "△", "square": "□", "prime": "′",
	"langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
	"lbrace": "{", "rbrace": "}", "vert": "|", "Vert": "‖", "|": "‖",
	"hbar": "ℏ", "ell": "ℓ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ",
	"sin": "sin", "cos": "cos", "tan": "tan", "log": "log", "ln": "ln", "exp": "exp", "lim": "lim",
	"max": "max", "min": "min", "sup": "sup", "inf": "inf", "det": "det", "gcd": "gcd", "arg": "arg",
	"cot": "cot", "sec": "sec", "csc": "csc", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
	"arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan", "mod": "mod", "bmod": "mod",
	"pmod": "mod", "cdotp": "·", "colon": ":", "qed": "∎", "checkmark": "✓",
}

// blackboard maps \mathbb letters to Unicode.
var blackboard = map[string]string{
	"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼", "H": "ℍ", "F": "𝔽", "1": "𝟙",
}

// accents are combining marks for \hat and the like over one letter.
var accents = map[string]string{
	"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "vec": "\u20d7",
	"tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308", "underline": "\u0332",
}

var superscripts = map[rune]string{
	'0': "⁰", '1': "¹", '2': "²", '3': "³", '4': "⁴", '5': "⁵", '6': "⁶", '7': "⁷", '8': "⁸", '9': "⁹",
	'+': "⁺", '-': "⁻", '−': "⁻", '=': "⁼", '(': "⁽", ')': "⁾", 'n': "ⁿ", 'i': "ⁱ", 'a': "ᵃ", 'b': "ᵇ",
	'c': "ᶜ", 'd': "ᵈ", 'e': "ᵉ", 'f': "ᶠ", 'g': "ᵍ", 'h': "ʰ", 'j': "ʲ", 'k': "ᵏ", 'l': "ˡ", 'm': "ᵐ",
	'o': "ᵒ", 'p': "ᵖ", 'r': "ʳ", 's': "ˢ", 't': "ᵗ", 'u': "ᵘ", 'v': "ᵛ", 'w': "ʷ", 'x': "ˣ", 'y': "ʸ",
	'z': "ᶻ", 'T': "ᵀ", '′': "′", '*': "*", '∗': "*",
}

var subscripts = map[rune]string{
	'0': "₀", '1': "₁", '2': "₂", '3': "₃", '4': "₄", '5': "₅", '6': "₆", '7': "₇", '8': "₈", '9': "₉",
	'+': "₊", '-': "₋", '−': "₋", '=': "₌", '(': "₍", ')': "₎", 'a': "ₐ", 'e': "ₑ", 'h': "ₕ", 'i': "ᵢ",
	'j': "ⱼ", 'k': "ₖ", 'l': "ₗ", 'm': "ₘ", 'n': "ₙ", 'o': "ₒ", 'p': "ₚ", 'r': "ᵣ", 's': "ₛ", 't': "ₜ",
	'u': "ᵤ", 'v': "ᵥ", 'x': "ₓ",
}
