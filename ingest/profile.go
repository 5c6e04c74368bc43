package ingest

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Profile tells how the files of one kind of ERP export map onto the canonical model.
// Built-in profiles live in profiles/*.yaml; users write their own in the same format.
type Profile struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Files       []FileSpec `yaml:"files"`
	// Defaults applied to every file spec that does not set its own.
	Defaults FileOptions `yaml:"defaults"`
	source   string      // where the profile was read from, for messages
}

// FileSpec describes one kind of file of a profile: how to recognise it, read it and map it.
type FileSpec struct {
	Kind string `yaml:"kind"` // e.g. sales_items, deliveries; defaults to the first entity
	// Match lists header columns that must all be present for a file to be of this kind.
	Match []string `yaml:"match"`
	// Pattern is an optional glob on the file name (case-insensitive), such as "*.csv".
	Pattern string `yaml:"pattern"`
	// Labels lists, for a column the spec names (a technical field name such as VBELN or
	// order_id/partner_id), the headings the ERP writes instead in its users' languages
	// ("Sales Document", "Verkaufsbeleg"): a file with the heading reads as the column.
	Labels map[string][]string `yaml:"labels"`
	// FillDown reads an export that writes a record's fields on its first row only and
	// its sub-records (an Odoo sale.order's order_line/...) on the rows below, with the
	// record's cells left empty: a row whose first listed column is empty continues the
	// record above and takes all the listed columns from that record's first row.
	FillDown    []string `yaml:"fill_down"`
	FileOptions `yaml:",inline"`
	Entities    []EntityMap `yaml:"entities"`
}

// FileOptions are the reading options of a file; a FileSpec inherits the profile's Defaults.
type FileOptions struct {
	Format       string   `yaml:"format"` // csv, xlsx, parquet, json; default from the extension
	Sheet        string   `yaml:"sheet"`  // xlsx: sheet name (default: the first sheet holding the match columns)
	Delimiter    string   `yaml:"delimiter"`
	Quote        string   `yaml:"quote"`
	Encoding     string   `yaml:"encoding"`   // auto, utf-8, windows-1252, iso-8859-1
	HeaderRow    int      `yaml:"header_row"` // 1-based; 0 = find it by the match columns
	Skip         int      `yaml:"skip"`       // rows to skip after the header
	Decimal      string   `yaml:"decimal"`    // "." or ","
	Thousands    string   `yaml:"thousands"`  // "", ",", ".", " ", "'"
	DateFormats  []string `yaml:"date_formats"`
	NullValues   []string `yaml:"null_values"`   // whole values meaning empty, case-insensitive
	NullPatterns []string `yaml:"null_patterns"` // regular expressions meaning empty
	// TrailingMinus reads "12,5-" as -12.5 (SAP list exports).
	TrailingMinus bool `yaml:"trailing_minus"`
}

// EntityMap maps the columns of a file onto one canonical entity.
type EntityMap struct {
	Entity string `yaml:"entity"`
	// Distinct keeps one row per business key, the first of the file: for header
	// entities (orders, customers) repeated on every item row of an export.
	Distinct bool                 `yaml:"distinct"`
	Fields   map[string]FieldSpec `yaml:"fields"`
	// When, if set, keeps only the rows where this column is not empty (e.g. a
	// shipment entity from a file where not every line has been delivered).
	When string `yaml:"when"`
	// SameNames maps every canonical field to the column of the same name (the
	// canonical profile); Fields may still override some.
	SameNames bool `yaml:"same_names"`
}

// FieldSpec is how one canonical field gets its value. In YAML it is either a column
// name or a mapping with one of column, value, sum, file_date.
type FieldSpec struct {
	Column string   `yaml:"column"`
	Value  *string  `yaml:"value"`
	Sum    []string `yaml:"sum"`
	// Path joins columns with '/' ("1000/0001" from a plant and a storage location):
	// a site path that the staging models read as its first segment, summing the rest.
	Path     []string          `yaml:"path"`
	FileDate bool              `yaml:"file_date"`
	Map      map[string]string `yaml:"map"`     // raw value -> canonical value, case-insensitive
	Else     *string           `yaml:"else"`    // value for a non-empty raw value the map lacks
	Formats  []string          `yaml:"formats"` // date formats for this field only
	Lookup   string            `yaml:"lookup"`  // "country": a country name or code -> ISO alpha-2
	// TrimLeadingZeros folds "000010" to "10" (item numbers that one SAP list pads and
	// another does not); material numbers keep their zeros.
	TrimLeadingZeros bool `yaml:"trim_leading_zeros"`
	// Optional lets a file lack the column: the field is then empty. Columns of key
	// fields are always required.
	Optional bool `yaml:"optional"`
	// Extract keeps the first group of a regular expression when it matches the value
	// ("[VN-25] Vanne inox DN25" with `^\[([^]]+)\]` gives VN-25), else the whole value.
	Extract string `yaml:"extract"`
	// NegateIf makes a number negative on the rows where another column holds one of
	// the values (an Odoo credit note's quantity, written positive); a number the file
	// already signs stays negative.
	NegateIf *ValueIn `yaml:"negate_if"`
	// Resolve reads the field from the loaded record a display name names.
	Resolve *Resolve `yaml:"resolve"`
	// Coalesce takes the first of several specs that gives a value, such as a status
	// from a rejection reason, else from an overall status column, else a constant.
	Coalesce []FieldSpec `yaml:"coalesce"`
}

// Resolve looks a display name up among the loaded rows of Entity: Pattern's groups are
// the values of the Match fields ("S00232 - [VN-25] ..." with `^(.+?) - \[([^]]+)\]`
// and [order_id, sku]); the value is the Take field of the one row found.
type Resolve struct {
	Entity  string   `yaml:"entity"`
	Pattern string   `yaml:"pattern"`
	Match   []string `yaml:"match"`
	Take    string   `yaml:"take"`
}

// ValueIn is a condition on a column: its value is one of In (case-insensitive).
type ValueIn struct {
	Column string   `yaml:"column"`
	In     []string `yaml:"in"`
}

// UnmarshalYAML accepts the short form `field: COLUMN`.
func (f *FieldSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Column = n.Value
		return nil
	}
	type plain FieldSpec
	return n.Decode((*plain)(f))
}

//go:embed profiles/*.yaml
var builtinFS embed.FS

// BuiltinProfiles returns the profiles shipped in the binary, sorted by name.
func BuiltinProfiles() ([]*Profile, error) {
	names, err := fs.Glob(builtinFS, "profiles/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Profile
	for _, n := range names {
		body, err := builtinFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		p, err := parseProfile(body, "built-in "+path.Base(n))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// LoadProfileFile reads a user profile from a YAML file.
func LoadProfileFile(file string) (*Profile, error) {
	body, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read profile %s: %w", file, err)
	}
	return parseProfile(body, file)
}

func parseProfile(body []byte, source string) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(strings.NewReader(string(body)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("cannot parse profile %s: %w", source, err)
	}
	p.source = source
	if p.Name == "" {
		p.Name = strings.TrimSuffix(filepath.Base(source), filepath.Ext(source))
	}
	if len(p.Files) == 0 {
		return nil, fmt.Errorf("profile %s has no files: list at least one under `files:`", source)
	}
	for i := range p.Files {
		fsp := &p.Files[i]
		fsp.FileOptions = fsp.FileOptions.withDefaults(p.Defaults)
		if len(fsp.Entities) == 0 {
			return nil, fmt.Errorf("profile %s, file %d: no entities to map onto", source, i+1)
		}
		if fsp.Kind == "" {
			fsp.Kind = fsp.Entities[0].Entity
		}
		for _, em := range fsp.Entities {
			if _, ok := canonicalKeys[em.Entity]; !ok {
				return nil, fmt.Errorf("profile %s, file %s: unknown entity %q (known: %s)", source, fsp.Kind, em.Entity, strings.Join(entityNames(), ", "))
			}
			for field, spec := range em.Fields {
				n := 0
				if spec.Column != "" {
					n++
				}
				if spec.Value != nil {
					n++
				}
				if len(spec.Sum) > 0 {
					n++
				}
				if len(spec.Path) > 0 {
					n++
				}
				if spec.FileDate {
					n++
				}
				if len(spec.Coalesce) > 0 {
					n++
				}
				if n != 1 {
					return nil, fmt.Errorf("profile %s, file %s, %s.%s: give exactly one of column, value, sum, path, file_date or coalesce", source, fsp.Kind, em.Entity, field)
				}
			}
		}
	}
	return &p, nil
}

func (o FileOptions) withDefaults(d FileOptions) FileOptions {
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	o.Format = pick(o.Format, d.Format)
	o.Sheet = pick(o.Sheet, d.Sheet)
	o.Delimiter = pick(o.Delimiter, d.Delimiter)
	o.Quote = pick(o.Quote, d.Quote)
	o.Encoding = pick(o.Encoding, d.Encoding)
	o.Decimal = pick(o.Decimal, d.Decimal)
	o.Thousands = pick(o.Thousands, d.Thousands)
	if o.HeaderRow == 0 {
		o.HeaderRow = d.HeaderRow
	}
	if o.Skip == 0 {
		o.Skip = d.Skip
	}
	if len(o.DateFormats) == 0 {
		o.DateFormats = d.DateFormats
	}
	if len(o.NullValues) == 0 {
		o.NullValues = d.NullValues
	}
	if len(o.NullPatterns) == 0 {
		o.NullPatterns = d.NullPatterns
	}
	o.TrailingMinus = o.TrailingMinus || d.TrailingMinus
	return o
}

// normHeader folds a header cell for matching: trimmed, inner spaces collapsed, upper case.
func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.ToUpper(strings.Join(strings.Fields(s), " "))
}

// withLabels adds to a header index the columns the spec names by a label the header
// holds: the technical name then reads the labelled column.
func (fsp *FileSpec) withLabels(header map[string]int) map[string]int {
	if len(fsp.Labels) == 0 {
		return header
	}
	out := make(map[string]int, len(header)+len(fsp.Labels))
	for k, v := range header {
		out[k] = v
	}
	names := make([]string, 0, len(fsp.Labels))
	for name := range fsp.Labels {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := out[normHeader(name)]; ok {
			continue
		}
		for _, label := range fsp.Labels[name] {
			if i, ok := header[normHeader(label)]; ok {
				out[normHeader(name)] = i
				break
			}
		}
	}
	return out
}

// matches tells whether a header holds every Match column of the spec, and how many.
func (fsp *FileSpec) matches(header map[string]int, fileName string) (bool, int) {
	if fsp.Pattern != "" {
		ok, _ := path.Match(strings.ToLower(fsp.Pattern), strings.ToLower(fileName))
		if !ok {
			return false, 0
		}
	}
	cols := fsp.Match
	if len(cols) == 0 {
		cols = fsp.requiredColumns()
	}
	for _, c := range cols {
		if _, ok := header[normHeader(c)]; !ok {
			return false, 0
		}
	}
	return true, len(cols)
}

// requiredColumns are the columns the key fields of every entity read.
func (fsp *FileSpec) requiredColumns() []string {
	var out []string
	for _, em := range fsp.Entities {
		for _, k := range canonicalKeys[em.Entity] {
			if spec, ok := em.Fields[k]; ok && spec.Column != "" {
				out = append(out, spec.Column)
			}
		}
	}
	return out
}

// columns lists every file column the spec reads, for the "missing column" check.
func (fsp *FileSpec) columns() []string {
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if c != "" && !seen[normHeader(c)] {
			seen[normHeader(c)] = true
			out = append(out, c)
		}
	}
	for _, em := range fsp.Entities {
		add(em.When)
		for _, spec := range em.Fields {
			for _, sp := range append([]FieldSpec{spec}, spec.Coalesce...) {
				add(sp.Column)
				for _, c := range append(sp.Sum, sp.Path...) {
					add(c)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
