-- The figures reports.Collect gathered from a build (the KPIs of every week and cut,
-- the samples of lines behind them), kept so that the dashboards and reports of the
-- same build and loads are written again without recomputing them. data_version names
-- the build (params.built_at) and the last load they were computed on: any other
-- version is stale, and the next write deletes it.
CREATE TABLE report_cache (
    key          VARCHAR PRIMARY KEY,  -- sha256 of what was asked (plan, week, filters) and data_version
    data_version VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    facts        BLOB NOT NULL         -- gob of reports.cachedFacts, deflated
);
