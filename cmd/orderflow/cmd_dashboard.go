package main

func init() {
	register(&command{
		name:    "dashboard",
		summary: "write the interactive dashboards as self-contained HTML files",
		usage:   "[--out DIR]",
		run:     notYet("dashboard"),
	})
}
