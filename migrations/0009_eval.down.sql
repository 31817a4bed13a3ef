SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

DROP TABLE IF EXISTS search_tuning;
DROP TABLE IF EXISTS eval_result;
DROP TABLE IF EXISTS golden_set;
