-- The improvement action plan (domain.md point 9): what the team decided to do about a
-- KPI or an anomaly, why (the root cause), who does it and by when. Users write these rows
-- (`orderflow actions add|import|done`); the models never rebuild them, so the plan
-- survives every build and reload.
CREATE SEQUENCE action_id_seq START 1;

CREATE TABLE actions (
    action_id   BIGINT PRIMARY KEY DEFAULT nextval('action_id_seq'),
    kpi         VARCHAR,                  -- a KPI of the registry (otif_line...), or NULL
    anomaly     VARCHAR,                  -- an anomaly code (late_backlog...), or NULL
    scope       VARCHAR,                  -- the cut it is about, such as 'carrier=DHL' (optional)
    cause       VARCHAR NOT NULL,         -- the root cause found
    action      VARCHAR NOT NULL,         -- what will be done
    owner       VARCHAR NOT NULL,
    due_date    DATE NOT NULL,
    status      VARCHAR NOT NULL DEFAULT 'open',
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    done_on     DATE,                     -- set when the status becomes done
    CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    CHECK (kpi IS NOT NULL OR anomaly IS NOT NULL)
);
