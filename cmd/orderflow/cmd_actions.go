package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/store"
)

type actionOptions struct {
	kpi, anomaly, scope, cause, action, owner, due, status, format string
	open                                                           bool
}

func init() {
	var o actionOptions
	register(&command{
		name:    "actions",
		summary: "the improvement action plan: add, import, list, close actions",
		usage: "add --kpi KPI|--anomaly CODE --cause TEXT --action TEXT --owner NAME --due YYYY-MM-DD [--scope DIM=VALUE]\n" +
			"       orderflow actions import FILE.yaml|FILE.xlsx\n" +
			"       orderflow actions list [--open] [--owner NAME] [--format table|json]\n" +
			"       orderflow actions done|start|cancel ID\n\n" +
			"An import file lists actions with the columns (or YAML keys) id, kpi, anomaly, scope, cause,\n" +
			"action, owner, due, status; a row with an id updates that action, a row already stored is skipped.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.kpi, "kpi", "", "add: the KPI the action is about, such as otif_line")
			fs.StringVar(&o.anomaly, "anomaly", "", "add: the anomaly code the action is about, such as late_backlog")
			fs.StringVar(&o.scope, "scope", "", "add: the cut it is about, such as carrier=DHL (optional)")
			fs.StringVar(&o.cause, "cause", "", "add: the root cause found")
			fs.StringVar(&o.action, "action", "", "add: what will be done")
			fs.StringVar(&o.owner, "owner", "", "add: who does it; list: only this owner's actions")
			fs.StringVar(&o.due, "due", "", "add: the due date, YYYY-MM-DD")
			fs.StringVar(&o.status, "status", "open", "add: open, in_progress or done")
			fs.BoolVar(&o.open, "open", false, "list: only the actions not done")
			fs.StringVar(&o.format, "format", "table", "list: table or json")
		},
		run: o.run,
	})
}

func (o *actionOptions) run(e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("say what to do: `orderflow actions add|import|list|done|start|cancel` (see --help)")
	}
	sub, rest := args[0], args[1:]
	if sub == "list" {
		return o.list(e, rest)
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		if len(rest) > 0 {
			return fmt.Errorf("actions add takes flags only (got %q): quote texts with spaces", rest[0])
		}
		a := actions.Action{KPI: o.kpi, Anomaly: o.anomaly, Scope: o.scope, Cause: o.cause, Action: o.action, Owner: o.owner, Status: o.status}
		if o.due != "" {
			d, err := actions.ParseDate(o.due)
			if err != nil {
				return fmt.Errorf("--due: %w", err)
			}
			a.Due = d
		}
		a, err := actions.Add(e.ctx, st.DB, a)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added action %d: %s, %s, due %s\n", a.ID, a.Action, a.Owner, a.Due.Format("2006-01-02"))
	case "import":
		if len(rest) != 1 {
			return fmt.Errorf("actions import takes one file, a .yaml or an .xlsx")
		}
		res, err := actions.Import(e.ctx, st.DB, rest[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported %s: %d added, %d updated, %d already there\n", rest[0], res.Added, res.Updated, res.Unchanged)
	case "done", "start", "cancel":
		status := map[string]string{"done": actions.Done, "start": actions.InProgress, "cancel": actions.Cancelled}[sub]
		if len(rest) == 0 {
			return fmt.Errorf("actions %s takes the number of the action (see `orderflow actions list`)", sub)
		}
		for _, s := range rest {
			id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an action number (see `orderflow actions list`)", s)
			}
			if err := actions.SetStatus(e.ctx, st.DB, id, status, e.asOf); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "action %d: %s\n", id, status)
		}
	default:
		return fmt.Errorf("unknown actions command %q: use add, import, list, done, start or cancel", sub)
	}
	return nil
}

func (o *actionOptions) list(e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("actions list takes flags only (got %q)", args[0])
	}
	st, err := store.OpenReadOnly(e.ctx, e.dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := actions.List(e.ctx, st.DB, actions.Filter{OpenOnly: o.open, Owner: o.owner})
	if err != nil {
		return err
	}
	if o.format == "json" {
		return writeIndentedJSON(e.stdout, list)
	}
	if o.format != "table" {
		return fmt.Errorf("--format %q is not supported: use table or json", o.format)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stderr, "no action recorded: add one with `orderflow actions add` or `orderflow actions import FILE`")
		return nil
	}
	l := e.lang
	rows := make([][]string, len(list))
	for i, a := range list {
		rows[i] = []string{strconv.FormatInt(a.ID, 10), a.Subject(l), a.Cause, a.Action, a.Owner,
			a.Due.Format("2006-01-02"), i18n.T(l, "action."+a.StatusAt(e.asOf))}
	}
	writeAligned(e.stdout, []string{"ID", "ABOUT", "ROOT CAUSE", "ACTION", "OWNER", "DUE", "STATUS"}, rows,
		[]bool{true, false, false, false, false, false, false})
	return nil
}
