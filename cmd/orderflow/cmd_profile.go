package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/orderflow/orderflow/ingest"
)

func init() {
	var out string
	register(&command{
		name:    "profile",
		summary: "draft a mapping profile for an extract no profile reads",
		usage:   "draft [--out FILE.yaml] FILE",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "write the draft to this file (default: standard output)")
		},
		run: func(e *env, args []string) error {
			if len(args) != 2 || args[0] != "draft" {
				return fmt.Errorf("use `orderflow profile draft FILE`: it writes a profile to edit, with every heading matched where it can be")
			}
			text, err := ingest.DraftProfile(args[1])
			if err != nil {
				return err
			}
			if out == "" {
				_, err = fmt.Fprint(e.stdout, text)
				return err
			}
			if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
				return fmt.Errorf("cannot write the draft: %w", err)
			}
			fmt.Fprintf(e.stdout, "wrote %s: check it, then `orderflow ingest --profile %s --explain %s`\n", out, out, args[1])
			return nil
		},
	})
}
