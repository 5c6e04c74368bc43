package csvsafe

import (
	"strings"
	"testing"
)

// The OWASP list of formula prefixes, against numbers and ordinary text.
func TestFormulaPrefixesAreNeutralisedNumbersAreNot(t *testing.T) {
	for in, want := range map[string]string{
		`=cmd|' /C calc'!A0`:        `'=cmd|' /C calc'!A0`,
		"+SUM(A1:A9)":               "'+SUM(A1:A9)",
		"-2+3+cmd|' /C calc'!A0":    "'-2+3+cmd|' /C calc'!A0",
		"@SUM(1+1)*cmd|' /C calc'!": "'@SUM(1+1)*cmd|' /C calc'!",
		"\t=1+1":                    "'\t=1+1",
		"\r=1+1":                    "'\r=1+1",
		"-12.5":                     "-12.5",
		"+3":                        "+3",
		"Müller GmbH":               "Müller GmbH",
		"":                          "",
		"a=b":                       "a=b",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
	var b strings.Builder
	w := NewWriter(&b)
	w.Write([]string{"name", "qty"})
	w.Write([]string{"=HYPERLINK(\"http://x\")", "-4"})
	w.Flush()
	if got, want := b.String(), "name,qty\n\"'=HYPERLINK(\"\"http://x\"\")\",-4\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
