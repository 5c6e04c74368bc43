package main

func init() {
	register(&command{
		name:    "report",
		summary: "the weekly KPI report or the anomaly report",
		usage:   "weekly|anomalies [--week YYYY-Www] [--format html|xlsx|pdf] [--out FILE]",
		run:     notYet("report"),
	})
}
