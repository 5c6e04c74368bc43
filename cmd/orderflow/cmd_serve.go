package main

func init() {
	register(&command{
		name:    "serve",
		summary: "serve dashboards, reports and the scheduled jobs over HTTP",
		usage:   "[--addr HOST:PORT]",
		run:     notYet("serve"),
	})
}
