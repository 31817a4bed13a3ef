//! Sorted triples -> bytes in one of the four syntaxes, with the usual SKOS prefixes.

use std::io::Write;

use dtrag_core::{Error, Result};
use oxjsonld::JsonLdSerializer;
use oxrdf::{GraphNameRef, QuadRef, Triple};
use oxrdfxml::RdfXmlSerializer;
use oxttl::{NTriplesSerializer, TurtleSerializer};

use crate::vocab::PREFIXES;
use crate::Format;

pub fn write(triples: &[Triple], format: Format, out: impl Write) -> Result<()> {
    let io = |e: std::io::Error| Error::io("writing the SKOS export", e);
    match format {
        Format::Turtle => {
            let mut s = TurtleSerializer::new();
            for (name, iri) in PREFIXES {
                s = s.with_prefix(name, iri).map_err(prefix)?;
            }
            let mut w = s.for_writer(out);
            for t in triples {
                w.serialize_triple(t).map_err(io)?;
            }
            w.finish().map_err(io)?;
        }
        Format::NTriples => {
            let mut w = NTriplesSerializer::new().for_writer(out);
            for t in triples {
                w.serialize_triple(t).map_err(io)?;
            }
            w.finish();
        }
        Format::RdfXml => {
            let mut s = RdfXmlSerializer::new();
            for (name, iri) in PREFIXES {
                s = s.with_prefix(name, iri).map_err(prefix)?;
            }
            let mut w = s.for_writer(out);
            for t in triples {
                w.serialize_triple(t).map_err(io)?;
            }
            w.finish().map_err(io)?;
        }
        Format::JsonLd => {
            let mut s = JsonLdSerializer::new();
            for (name, iri) in PREFIXES {
                s = s.with_prefix(name, iri).map_err(prefix)?;
            }
            let mut w = s.for_writer(out);
            for t in triples {
                w.serialize_quad(QuadRef::new(
                    &t.subject,
                    &t.predicate,
                    &t.object,
                    GraphNameRef::DefaultGraph,
                ))
                .map_err(io)?;
            }
            w.finish().map_err(io)?;
        }
    }
    Ok(())
}

fn prefix(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("a built-in prefix: {e}"))
}
