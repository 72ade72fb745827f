package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles holds every Lip Gloss style of the browser. It is built once per
// theme and passed down; there are no package-level styles.
type Styles struct {
	PaneTitle        lipgloss.Style
	PaneTitleFocused lipgloss.Style
	Separator        lipgloss.Style

	Group        lipgloss.Style // date group label in the list
	Item         lipgloss.Style
	ItemMeta     lipgloss.Style
	ItemSelected lipgloss.Style // cursor row, list focused
	ItemCursor   lipgloss.Style // cursor row, list not focused
	Marker       lipgloss.Style

	Title      lipgloss.Style // conversation title in the viewer header
	HeaderMeta lipgloss.Style
	RoleUser   lipgloss.Style
	RoleBot    lipgloss.Style
	RoleTool   lipgloss.Style
	MsgMeta    lipgloss.Style
	Folded     lipgloss.Style
	Branch     lipgloss.Style
	Hit        lipgloss.Style
	HitCurrent lipgloss.Style
	Rule       lipgloss.Style

	Status      lipgloss.Style
	StatusKey   lipgloss.Style
	StatusWarn  lipgloss.Style
	StatusError lipgloss.Style
	BarFull     lipgloss.Style
	BarEmpty    lipgloss.Style

	Empty      lipgloss.Style
	ErrorTitle lipgloss.Style
	ErrorBody  lipgloss.Style
	FilterText lipgloss.Style
}

// NewStyles returns the colour styles for a dark or light terminal
// background. Colours are given in true colour; Bubble Tea's renderer
// downsamples them to 256 or 16 colours as the terminal requires.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		fg     = ld(lipgloss.Color("#1F2328"), lipgloss.Color("#E6EDF3"))
		dim    = ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8B949E"))
		accent = ld(lipgloss.Color("#8250DF"), lipgloss.Color("#BC8CFF"))
		green  = ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950"))
		blue   = ld(lipgloss.Color("#0969DA"), lipgloss.Color("#58A6FF"))
		amber  = ld(lipgloss.Color("#9A6700"), lipgloss.Color("#D29922"))
		red    = ld(lipgloss.Color("#CF222E"), lipgloss.Color("#F85149"))
		selBg  = ld(lipgloss.Color("#DDF4FF"), lipgloss.Color("#263041"))
		curBg  = ld(lipgloss.Color("#EAEEF2"), lipgloss.Color("#1C2128"))
		barBg  = ld(lipgloss.Color("#F6F8FA"), lipgloss.Color("#161B22"))
		hitBg  = ld(lipgloss.Color("#FFF8C5"), lipgloss.Color("#5A4A00"))
		hitCur = ld(lipgloss.Color("#FFD33D"), lipgloss.Color("#D29922"))
	)
	return colorStyles(fg, dim, accent, green, blue, amber, red, selBg, curBg, barBg, hitBg, hitCur)
}

func colorStyles(fg, dim, accent, green, blue, amber, red, selBg, curBg, barBg, hitBg, hitCur color.Color) Styles {
	s := lipgloss.NewStyle()
	return Styles{
		PaneTitle:        s.Foreground(dim).Bold(true),
		PaneTitleFocused: s.Foreground(accent).Bold(true),
		Separator:        s.Foreground(dim),
		Group:            s.Foreground(accent).Bold(true),
		Item:             s.Foreground(fg),
		ItemMeta:         s.Foreground(dim),
		ItemSelected:     s.Background(selBg).Foreground(fg).Bold(true),
		ItemCursor:       s.Background(curBg).Foreground(fg),
		Marker:           s.Foreground(amber),
		Title:            s.Foreground(accent).Bold(true),
		HeaderMeta:       s.Foreground(dim),
		RoleUser:         s.Foreground(green).Bold(true),
		RoleBot:          s.Foreground(blue).Bold(true),
		RoleTool:         s.Foreground(amber).Bold(true),
		MsgMeta:          s.Foreground(dim),
		Folded:           s.Foreground(dim).Italic(true),
		Branch:           s.Foreground(accent),
		Hit:              s.Background(hitBg).Foreground(fg),
		HitCurrent:       s.Background(hitCur).Foreground(lipgloss.Color("#000000")).Bold(true),
		Rule:             s.Foreground(dim),
		Status:           s.Background(barBg).Foreground(fg),
		StatusKey:        s.Background(barBg).Foreground(accent).Bold(true),
		StatusWarn:       s.Background(barBg).Foreground(amber),
		StatusError:      s.Background(barBg).Foreground(red).Bold(true),
		BarFull:          s.Background(barBg).Foreground(accent),
		BarEmpty:         s.Background(barBg).Foreground(dim),
		Empty:            s.Foreground(dim).Italic(true),
		ErrorTitle:       s.Foreground(red).Bold(true),
		ErrorBody:        s.Foreground(fg),
		FilterText:       s.Foreground(fg),
	}
}

// NewPlainStyles returns styles without any colour, for NO_COLOR and the
// notty theme: emphasis is carried by bold, reverse and underline only.
func NewPlainStyles() Styles {
	s := lipgloss.NewStyle()
	return Styles{
		PaneTitle:        s,
		PaneTitleFocused: s.Bold(true).Underline(true),
		Separator:        s,
		Group:            s.Bold(true),
		Item:             s,
		ItemMeta:         s,
		ItemSelected:     s.Reverse(true),
		ItemCursor:       s.Underline(true),
		Marker:           s,
		Title:            s.Bold(true),
		HeaderMeta:       s,
		RoleUser:         s.Bold(true),
		RoleBot:          s.Bold(true),
		RoleTool:         s.Bold(true),
		MsgMeta:          s,
		Folded:           s,
		Branch:           s,
		Hit:              s.Underline(true),
		HitCurrent:       s.Reverse(true),
		Rule:             s,
		Status:           s,
		StatusKey:        s.Bold(true),
		StatusWarn:       s,
		StatusError:      s.Bold(true),
		BarFull:          s,
		BarEmpty:         s,
		Empty:            s,
		ErrorTitle:       s.Bold(true),
		ErrorBody:        s,
		FilterText:       s,
	}
}
