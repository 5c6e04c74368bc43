package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/internal/csvsafe"
)

// anomalyOptions are the flags of `orderflow anomalies`.
type anomalyOptions struct {
	format, status, code, severity, customer, site, by, list string
	limit, items                                             int
	all                                                      bool
}

func init() {
	var o anomalyOptions
	register(&command{
		name:    "anomalies",
		summary: "the anomaly worklist as data; ack or resolve anomalies",
		usage: "[--format table|json|csv] [--list worklist|stale|resolved] [--all] [--items N] [--status new|acknowledged|resolved]\n" +
			"       [--code CODE] [--severity high|medium|low]\n" +
			"       orderflow anomalies ack|resolve|reopen ID...\n\n" +
			"Lists the anomalies of the last `orderflow build`, highest priority first (urgency x value at\n" +
			"stake x customer weight). Each has an ID that stays the same from build to build: `ack` marks\n" +
			"it acknowledged, `resolve` resolved, `reopen` new again. A resolved anomaly that a later build\n" +
			"still finds becomes new again, and its message says so; one the data no longer shows is\n" +
			"resolved by itself. --status, --code, --severity, --customer and --site take comma-separated\n" +
			"lists. Codes: " + strings.Join(anomalies.Codes, ", ") + ".\n\n" +
			"The table shows the worklist of the week: what changed since the build of a week before, then the\n" +
			"top items (anomalies.worklist_size, default 50; one item per cause: the lines of one order with the\n" +
			"same code are one item), each anomaly with its state (new, open, worsening, acknowledged) and age.\n" +
			"Anomalies older than their code's limit (anomalies.stale_after_days) are data to clean up:\n" +
			"--list stale lists them. --all shows every anomaly. JSON and CSV list every anomaly unless --list\n" +
			"or --items say otherwise, each with its state, age_days, item and list.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.format, "format", "table", "output format: table, json or csv")
			fs.StringVar(&o.status, "status", "", "only these statuses: new, acknowledged, resolved (default: all)")
			fs.StringVar(&o.code, "code", "", "only these anomaly codes")
			fs.StringVar(&o.severity, "severity", "", "only these severities: high, medium, low")
			fs.StringVar(&o.customer, "customer", "", "only these customers")
			fs.StringVar(&o.site, "site", "", "only these sites")
			fs.IntVar(&o.limit, "limit", 0, "at most this many anomalies (default: all)")
			fs.StringVar(&o.list, "list", "", "worklist, stale (data to clean up) or resolved (default: the worklist for the table, all for json and csv)")
			fs.IntVar(&o.items, "items", -1, "the first N items of each list (default: anomalies.worklist_size for the table, all for json and csv)")
			fs.BoolVar(&o.all, "all", false, "every anomaly of every list")
			fs.StringVar(&o.by, "by", "", "with ack, resolve, reopen: who decides (default: the login name)")
		},
		run: o.run,
	})
}

var statusCommands = map[string]string{
	"ack": anomalies.StatusAcknowledged, "acknowledge": anomalies.StatusAcknowledged,
	"resolve": anomalies.StatusResolved, "reopen": anomalies.StatusNew,
}

func (o *anomalyOptions) run(e *env, args []string) error {
	if len(args) > 0 {
		status, ok := statusCommands[args[0]]
		if !ok {
			return fmt.Errorf("unknown anomalies action %q: use ack, resolve or reopen followed by anomaly IDs, or no argument to list them", args[0])
		}
		return o.setStatus(e, status, args[1:])
	}
	if o.format != "table" && o.format != "json" && o.format != "csv" {
		return fmt.Errorf("--format %q is not supported: use table, json or csv", o.format)
	}
	f := anomalies.Filter{Status: commaList(o.status), Codes: commaList(o.code), Severities: commaList(o.severity),
		Customers: commaList(o.customer), Sites: commaList(o.site), Limit: o.limit}
	table := o.format == "table"
	switch {
	case o.all:
	case o.list != "":
		f.Buckets = commaList(o.list)
		for _, b := range f.Buckets {
			if b != anomalies.BucketWorklist && b != anomalies.BucketStale && b != anomalies.BucketResolved {
				return fmt.Errorf("--list %q is not one of worklist, stale, resolved", b)
			}
		}
	case table:
		f.Buckets = []string{anomalies.BucketWorklist}
	}
	switch {
	case o.all:
	case o.items >= 0:
		f.Items = o.items
	case table:
		f.Items = e.cfg.Anomalies.WorklistSize
	}
	for _, s := range f.Status {
		if s != anomalies.StatusNew && s != anomalies.StatusAcknowledged && s != anomalies.StatusResolved {
			return fmt.Errorf("--status %q is not one of new, acknowledged, resolved", s)
		}
	}
	for _, c := range f.Codes {
		if !slices.Contains(anomalies.Codes, c) {
			return fmt.Errorf("--code %q is not an anomaly code: use one of %s", c, strings.Join(anomalies.Codes, ", "))
		}
	}
	for _, s := range f.Severities {
		if !slices.Contains(anomalies.Severities, s) {
			return fmt.Errorf("--severity %q is not one of high, medium, low", s)
		}
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	// The list follows the last build; a build made before this release, or by an older
	// command, left it behind: bring it up to date first.
	stale, err := anomalies.Stale(e.ctx, st.DB)
	if err != nil {
		return err
	}
	if stale {
		if _, err := anomalies.Build(e.ctx, st, e.cfg, time.Time{}); err != nil {
			return err
		}
	}
	list, err := anomalies.List(e.ctx, st.DB, f, e.lang)
	if err != nil {
		return err
	}
	switch o.format {
	case "json":
		if list == nil {
			list = []anomalies.Anomaly{}
		}
		return writeIndentedJSON(e.stdout, list)
	case "csv":
		return writeAnomalyCSV(e.stdout, list)
	}
	changes, err := anomalies.ReadChanges(e.ctx, st.DB, f.Customers)
	if err != nil {
		return err
	}
	writeChanges(e.stdout, e.lang, changes, f.Items)
	writeAnomalyTable(e.stdout, e.lang, list)
	return nil
}

// writeChanges prints what changed since the build of a week before and the size of
// the worklist and of the data to clean up.
func writeChanges(w io.Writer, lang string, c anomalies.Changes, items int) {
	n := func(x int) string { return i18n.Number(lang, float64(x), 0) }
	v := func(x float64) string { return i18n.Number(lang, x, 0) }
	if c.Currency != "" {
		v = func(x float64) string { return i18n.Money(lang, x, c.Currency, 0) }
	}
	if lang == i18n.FR {
		if c.RefAsOf.IsZero() {
			fmt.Fprintf(w, "Ces 7 derniers jours : %s nouvelles (%s en jeu), %s en aggravation ; aucun calcul d'il y a une semaine pour compter les résolues.\n",
				n(c.New.Count), v(c.New.Value), n(c.Worsening.Count))
		} else {
			fmt.Fprintf(w, "Depuis le %s : %s nouvelles (%s en jeu), %s en aggravation (%s), %s résolues (%s).\n", c.RefAsOf.Format(time.DateOnly),
				n(c.New.Count), v(c.New.Value), n(c.Worsening.Count), v(c.Worsening.Value), n(c.Resolved.Count), v(c.Resolved.Value))
		}
		fmt.Fprintf(w, "À traiter : %s sujets ; données à nettoyer : %s sujets anciens (%s anomalies, --list stale).\n", n(c.Items), n(c.StaleItems), n(c.Stale.Count))
		if items > 0 && c.Items > items {
			fmt.Fprintf(w, "Les %d premiers sujets ci-dessous ; --all les montre tous.\n", items)
		}
		return
	}
	if c.RefAsOf.IsZero() {
		fmt.Fprintf(w, "In the last 7 days: %s new (%s at stake), %s worsening; no build of a week before is kept to count what was resolved.\n",
			n(c.New.Count), v(c.New.Value), n(c.Worsening.Count))
	} else {
		fmt.Fprintf(w, "Since %s: %s new (%s at stake), %s worsening (%s), %s resolved (%s).\n", c.RefAsOf.Format(time.DateOnly),
			n(c.New.Count), v(c.New.Value), n(c.Worsening.Count), v(c.Worsening.Value), n(c.Resolved.Count), v(c.Resolved.Value))
	}
	fmt.Fprintf(w, "Worklist: %s items; data to clean up: %s stale items (%s anomalies, --list stale).\n", n(c.Items), n(c.StaleItems), n(c.Stale.Count))
	if items > 0 && c.Items > items {
		fmt.Fprintf(w, "The first %d items below; --all shows them all.\n", items)
	}
}

func (o *anomalyOptions) setStatus(e *env, status string, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("name the anomalies: orderflow anomalies %s ID... (the IDs are in the first column of `orderflow anomalies`)", map[string]string{
			anomalies.StatusAcknowledged: "ack", anomalies.StatusResolved: "resolve", anomalies.StatusNew: "reopen"}[status])
	}
	by := firstNonEmpty(o.by, os.Getenv("USER"), os.Getenv("USERNAME"), "user")
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := anomalies.SetStatus(e.ctx, st, status, by, ids...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d of %d anomalies marked %s (the others already were)\n", n, len(ids), status)
	return nil
}

var anomalyCSVColumns = []string{"id", "status", "severity", "priority", "code", "order_id", "line_no", "shipment_id",
	"invoice_id", "claim_id", "sku", "site", "customer_id", "detected_on", "since", "days", "days_left",
	"value_at_stake", "currency", "customer_weight", "priority_reason", "message", "remedy", "key",
	"state", "age_days", "item", "list"}

func writeAnomalyCSV(w io.Writer, list []anomalies.Anomaly) error {
	cw := csvsafe.NewWriter(w)
	cw.Write(anomalyCSVColumns)
	intText := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	for _, a := range list {
		value := ""
		if a.ValueAtStake != nil {
			value = strconv.FormatFloat(*a.ValueAtStake, 'f', -1, 64)
		}
		cw.Write([]string{a.ID, a.Status, a.Severity, strconv.FormatFloat(a.Priority, 'f', 2, 64), a.Code, a.OrderID,
			a.LineNo, a.ShipmentID, a.InvoiceID, a.ClaimID, a.SKU, a.Site, a.CustomerID, a.DetectedOn, a.Since,
			intText(a.Days), intText(a.DaysLeft), value, a.Currency, strconv.FormatFloat(a.CustomerWeight, 'f', -1, 64),
			a.PriorityReason, a.Message, a.Remedy, a.Key, a.State, strconv.Itoa(a.AgeDays), a.Item, a.Bucket})
	}
	cw.Flush()
	return cw.Error()
}

// writeAnomalyTable prints a summary line, then one block per anomaly: its reference
// line, what is wrong and what to do.
func writeAnomalyTable(w io.Writer, lang string, list []anomalies.Anomaly) {
	fr := lang == i18n.FR
	if len(list) == 0 {
		fmt.Fprintln(w, map[bool]string{false: "No anomaly.", true: "Aucune anomalie."}[fr])
		return
	}
	count := map[string]int{}
	for _, a := range list {
		count[a.State]++
	}
	if fr {
		fmt.Fprintf(w, "%d anomalies au %s (%d nouvelles cette semaine, %d en aggravation, %d toujours ouvertes, %d prises en compte, %d résolues, %d anciennes), par sujet et priorité.\n",
			len(list), list[0].DetectedOn, count[anomalies.StateNew], count[anomalies.StateWorsening], count[anomalies.StateOpen],
			count[anomalies.StateAcknowledged], count[anomalies.StateResolved], count[anomalies.StateStale])
		fmt.Fprintln(w, "`orderflow anomalies ack ID` la prend en compte, `resolve ID` la résout.")
	} else {
		fmt.Fprintf(w, "%d anomalies as of %s (%d new this week, %d worsening, %d still open, %d acknowledged, %d resolved, %d stale), by item and priority.\n",
			len(list), list[0].DetectedOn, count[anomalies.StateNew], count[anomalies.StateWorsening], count[anomalies.StateOpen],
			count[anomalies.StateAcknowledged], count[anomalies.StateResolved], count[anomalies.StateStale])
		fmt.Fprintln(w, "`orderflow anomalies ack ID` acknowledges one, `resolve ID` resolves it.")
	}
	head := []string{"ID", "ITEM", "SEVERITY", "STATE", "AGE", "CODE", "ORDER", "LINE", "SHIPMENT", "CUSTOMER", "PRIORITY"}
	if fr {
		head = []string{"ID", "SUJET", "GRAVITÉ", "ÉTAT", "ÂGE", "CODE", "COMMANDE", "LIGNE", "EXPÉDITION", "CLIENT", "PRIORITÉ"}
	}
	rows := make([][]string, len(list))
	for i, a := range list {
		sev, state := a.Severity, a.State
		if fr {
			sev, state = strings.ToLower(i18n.T(lang, "severity."+sev)), strings.ToLower(i18n.T(lang, "state."+state))
		}
		rank := ""
		if a.ItemRank > 0 {
			rank = strconv.Itoa(a.ItemRank)
		}
		rows[i] = []string{a.ID, rank, sev, state, strconv.Itoa(a.AgeDays), a.Code, a.OrderID, a.LineNo, a.ShipmentID, a.CustomerID,
			i18n.Number(lang, a.Priority, 0)}
	}
	right := make([]bool, len(head))
	right[len(head)-1] = true
	var table strings.Builder
	writeAligned(&table, head, rows, right)
	lines := strings.Split(strings.TrimRight(table.String(), "\n"), "\n")
	what, todo, why := "  what: ", "  do:   ", "  rank: "
	if fr {
		what, todo, why = "  quoi :   ", "  action : ", "  rang :   "
	}
	fmt.Fprintln(w, lines[0])
	for i, a := range list {
		fmt.Fprintln(w, lines[i+1])
		fmt.Fprintln(w, what+a.Message)
		if a.Remedy != "" {
			fmt.Fprintln(w, todo+a.Remedy)
		}
		fmt.Fprintln(w, why+a.PriorityReason)
	}
}
