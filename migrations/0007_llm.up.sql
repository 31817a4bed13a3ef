-- Chat endpoints for answers (`dtrag ask`): OpenAI-compatible servers, their model and prices.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE llm_endpoint (
    id           int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$'),
    base_url     text NOT NULL CHECK (base_url ~ '^https?://'),
    model        text NOT NULL CHECK (model <> ''),
    -- Prices in US dollars per million tokens, for the cost an answer reports.
    input_price  double precision NOT NULL DEFAULT 0 CHECK (input_price >= 0),
    output_price double precision NOT NULL DEFAULT 0 CHECK (output_price >= 0),
    timeout_ms   int NOT NULL DEFAULT 60000 CHECK (timeout_ms BETWEEN 100 AND 600000),
    is_default   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX llm_endpoint_one_default ON llm_endpoint (is_default) WHERE is_default;
