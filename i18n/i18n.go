// Package i18n holds the English and French texts of every label and message
// the dashboards and reports show, and the number, date and week formats of
// each language.
package i18n

import (
	"fmt"
	"sort"
	"strings"
)

// The supported languages.
const (
	EN = "en"
	FR = "fr"
)

// Default is the language used when none is asked for.
const Default = EN

// catalogues maps a language to its messages; every key exists in each.
var catalogues = map[string]map[string]string{
	EN: messagesEN,
	FR: messagesFR,
}

// Langs lists the supported languages in a stable order.
func Langs() []string { return []string{EN, FR} }

// Parse checks a language code given by a user ("fr", "FR", "fr-FR", "") and
// returns the supported language it names.
func Parse(lang string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "" {
		return Default, nil
	}
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	if _, ok := catalogues[l]; !ok {
		return "", fmt.Errorf("unsupported language %q (use en or fr)", lang)
	}
	return l, nil
}

// lang returns a supported language for any input, falling back to English.
func lang(l string) string {
	if p, err := Parse(l); err == nil {
		return p
	}
	return Default
}

// T returns the message of key in lang, formatted with args as fmt.Sprintf
// does (messages use indexed verbs such as %[1]s where word order differs).
// An unknown key is returned as is, so that a missing text shows on screen
// instead of an empty label.
func T(lang_, key string, args ...any) string {
	msg, ok := catalogues[lang(lang_)][key]
	if !ok {
		msg, ok = catalogues[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key has a message in lang.
func Has(lang_, key string) bool {
	_, ok := catalogues[lang(lang_)][key]
	return ok
}

// Keys returns every key of lang's catalogue, sorted.
func Keys(lang_ string) []string {
	cat := catalogues[lang(lang_)]
	keys := make([]string, 0, len(cat))
	for k := range cat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Prefixed returns the messages of lang whose key starts with prefix, keyed by
// the rest of the key: Prefixed("fr", "mode.")["road"] == "Route".
func Prefixed(lang_, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range catalogues[lang(lang_)] {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}
