package ui

import (
	"image/color"
	"testing"
)

func TestDarkFromColorFGBG(t *testing.T) {
	tests := []struct {
		in       string
		dark, ok bool
	}{
		{"0;15", false, true}, // black on white
		{"15;0", true, true},  // white on black
		{"0;7", false, true},
		{"7;default;0", true, true},
		{"12;8", true, true},
		{"0;255", false, true},
		{"15;235", true, true},
		{"", false, false},
		{"default;default", false, false},
		{"0;300", false, false},
	}
	for _, tt := range tests {
		dark, ok := darkFromColorFGBG(tt.in)
		if dark != tt.dark || ok != tt.ok {
			t.Errorf("darkFromColorFGBG(%q) = %v, %v; want %v, %v", tt.in, dark, ok, tt.dark, tt.ok)
		}
	}
}

func TestInitialDarkHonoursColorFGBG(t *testing.T) {
	t.Setenv("COLORFGBG", "0;15")
	if initialDark() {
		t.Error("COLORFGBG=0;15 (light background) gave dark styles")
	}
	t.Setenv("COLORFGBG", "")
	if !initialDark() {
		t.Error("no COLORFGBG should assume a dark background")
	}
}

// luminance is c's relative brightness, 0 (black) to 1 (white).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// TestInputStylesReadable: the prompt and cursor are readable on the
// background, and a placeholder is marked by more than colour (NO_COLOR).
func TestInputStylesReadable(t *testing.T) {
	for _, tt := range []struct {
		name   string
		dark   bool
		bright func(float64) bool
	}{
		{"light background", false, func(l float64) bool { return l < 0.4 }},
		{"dark background", true, func(l float64) bool { return l > 0.4 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := newStyles(tt.dark).Input
			if l := luminance(in.Cursor.Color); !tt.bright(l) {
				t.Errorf("cursor luminance %.2f is not readable", l)
			}
			for name, st := range map[string]struct {
				prompt, placeholder interface {
					GetForeground() color.Color
					GetFaint() bool
					GetItalic() bool
				}
			}{"focused": {in.Focused.Prompt, in.Focused.Placeholder}, "blurred": {in.Blurred.Prompt, in.Blurred.Placeholder}} {
				if l := luminance(st.prompt.GetForeground()); !tt.bright(l) {
					t.Errorf("%s prompt luminance %.2f is not readable", name, l)
				}
				if !st.placeholder.GetFaint() || !st.placeholder.GetItalic() {
					t.Errorf("%s placeholder is marked by colour alone: under NO_COLOR it looks typed", name)
				}
			}
		})
	}
}
