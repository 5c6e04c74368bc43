package main

func init() {
	register(&command{
		name:    "anomalies",
		summary: "the anomaly worklist as data",
		usage:   "[--format table|json|csv]",
		run:     notYet("anomalies"),
	})
}
