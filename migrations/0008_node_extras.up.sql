-- What a node says beyond label, alternative labels, description and parents (issue 12: SKOS
-- interchange): labels in other languages, hidden labels, notations, notes, related concepts,
-- mappings, dates. A JSON array of {"property": IRI, "object": {"iri": …} | {"literal": {"value",
-- "lang"?, "datatype"?}}}, sorted and without duplicates, so two equal states have equal text.
--
-- It is a column of node_state, not a table of its own, so it is versioned with the rest of the
-- node's content: a publish that changes only extras closes and opens the state row like any
-- other change, old versions read (and export) their own extras, and rollback restores them.
-- A constant default makes the ADD COLUMN a catalogue change (no table rewrite).
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

-- The language labels, alternative labels and descriptions are in (a SKOS import's `--lang` or
-- detected language; "" = untagged), so an export writes the tags they came with. Each publish
-- carries its parent's forward, a rollback the restored version's; NULL: never said (JSON Lines).
ALTER TABLE taxonomy_version ADD COLUMN language text CHECK (length(language) <= 35);

ALTER TABLE node_state ADD COLUMN extras jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(extras) = 'array');
