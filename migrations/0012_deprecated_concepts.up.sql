-- Deprecated concepts (issue 12: SKOS interchange). A concept a SKOS file marks
-- `owl:deprecated true` is not a node (it is not in the tree, nothing is classified under it),
-- but what the file says about it — labels in every language, definition, `dct:isReplacedBy`,
-- notes — is kept here, so an export writes it back and importing an export loses nothing.
--
-- Versioned like node_state: a row is true in the versions its range holds. A SKOS import sets
-- the whole set; other publishes carry it forward, except that a node created with a deprecated
-- key ends that key's deprecation (a key is a node or a deprecated concept, never both); a
-- rollback restores the set of the version it restores. `statements` is a JSON array of
-- {"property", "object"} like node_state.extras, sorted and without duplicates.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE deprecated_concept (
    key        text NOT NULL CHECK (key <> '' AND length(key) <= 512),
    valid      int8range NOT NULL CHECK (NOT isempty(valid) AND lower(valid) >= 1),
    statements jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(statements) = 'array')
);
-- One open row per key; a publish only closes open rows at head+1 and opens rows at head+1, so
-- with these two no two ranges of a key overlap.
CREATE UNIQUE INDEX deprecated_concept_head ON deprecated_concept (key) WHERE upper_inf(valid);
CREATE UNIQUE INDEX deprecated_concept_start ON deprecated_concept (key, lower(valid));
