//! The IRIs the mapping reads and writes, in one place.

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub const XSD_DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";
pub const CONCEPT_SCHEME: &str = "http://www.w3.org/2004/02/skos/core#ConceptScheme";
pub const PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";
pub const ALT_LABEL: &str = "http://www.w3.org/2004/02/skos/core#altLabel";
pub const DEFINITION: &str = "http://www.w3.org/2004/02/skos/core#definition";
pub const BROADER: &str = "http://www.w3.org/2004/02/skos/core#broader";
pub const NARROWER: &str = "http://www.w3.org/2004/02/skos/core#narrower";
pub const IN_SCHEME: &str = "http://www.w3.org/2004/02/skos/core#inScheme";
pub const TOP_CONCEPT_OF: &str = "http://www.w3.org/2004/02/skos/core#topConceptOf";
pub const HAS_TOP_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#hasTopConcept";

pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const OWL_DEPRECATED: &str = "http://www.w3.org/2002/07/owl#deprecated";
pub const OWL_VERSION_INFO: &str = "http://www.w3.org/2002/07/owl#versionInfo";

pub const DCT: &str = "http://purl.org/dc/terms/";
pub const DCT_MODIFIED: &str = "http://purl.org/dc/terms/modified";
pub const DCT_LANGUAGE: &str = "http://purl.org/dc/terms/language";
pub const DCT_IS_REPLACED_BY: &str = "http://purl.org/dc/terms/isReplacedBy";

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// The namespace of keys when no `--base` is given: keys that are not IRIs of their own (such as
/// `tech.ai` from a JSON Lines file) are written under it and read back from it, so a round trip
/// without `--base` gives the same keys.
pub const DEFAULT_BASE: &str = "urn:x-dtrag:";

/// The prefixes the serialisers abbreviate with (Turtle, RDF/XML, JSON-LD's context).
pub const PREFIXES: [(&str, &str); 6] = [
    ("dct", DCT),
    ("owl", OWL),
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("skos", SKOS),
    ("xsd", XSD),
];
