//! Answers as an agent: retrieve as the agent's role, hand the numbered chunks to a chat
//! endpoint, and return the answer with its citations, the taxonomy version, where the time went
//! and what it cost.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::search::{self, AgentSearch};
use crate::error::{Error, Result};
use crate::llm;
use crate::models::EmbedderSource;
use crate::taxonomy::read;

/// A question for an agent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AskRequest {
    pub agent: String,
    pub question: String,
    /// Chunks handed to the endpoint (default: the agent's k).
    pub k: Option<usize>,
    /// The chat endpoint (default: the default one).
    pub llm: Option<String>,
}

/// A chunk the endpoint was given, numbered as in the prompt.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Passage {
    pub n: usize,
    pub document: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chunk_id: i64,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AskTimings {
    pub retrieval_ms: f64,
    pub llm_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AskAnswer {
    pub agent: String,
    pub question: String,
    pub answer: String,
    /// The passages the answer cites (`[n]`), in the order it first cites them.
    pub citations: Vec<usize>,
    /// Every passage the endpoint was given: exactly the agent's context.
    pub context: Vec<Passage>,
    /// The taxonomy version the agent's scope was read at.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub taxonomy_version: i64,
    pub llm: String,
    pub model: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub prompt_tokens: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub completion_tokens: u64,
    /// At the endpoint's configured prices, in US dollars.
    pub cost_usd: f64,
    pub timings: AskTimings,
}

const SYSTEM: &str = "You answer questions using only the numbered context passages you are given. \
Cite every passage you use as [n]. If the passages do not contain the answer, say that you do not know.";

/// The prompt: the system rule, then the passages and the question.
pub fn messages(question: &str, context: &[Passage]) -> Vec<dtrag_llm::Message> {
    let mut user = String::from("Context:\n");
    for p in context {
        user += &format!("[{}] {} — {}\n", p.n, p.title, p.text.replace('\n', " "));
    }
    user += &format!("\nQuestion: {question}");
    vec![
        dtrag_llm::Message {
            role: "system".into(),
            content: SYSTEM.into(),
        },
        dtrag_llm::Message {
            role: "user".into(),
            content: user,
        },
    ]
}

/// The passage numbers `[n]` an answer cites (1..=passages), first citation first, once each.
pub fn citations(answer: &str, passages: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = answer;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        for part in rest[..close].split(',') {
            if let Ok(n) = part.trim().parse::<usize>() {
                if (1..=passages).contains(&n) && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        rest = &rest[close..];
    }
    out
}

/// Answers `req` as its agent. `api_key`: an override of the keyring (headless runs).
pub async fn ask(
    pool: &PgPool,
    req: &AskRequest,
    embedders: Arc<dyn EmbedderSource>,
    api_key: Option<&str>,
) -> Result<AskAnswer> {
    let started = Instant::now();
    if req.question.trim().is_empty() {
        return Err(Error::Invalid("the question is empty".into()));
    }
    let mut conn = pool.acquire().await?;
    let endpoint = llm::get(&mut conn, req.llm.as_deref()).await?;
    let agent = super::store::definition(pool, &req.agent).await?;
    let taxonomy_version = match agent.pinned_version {
        Some(v) => v,
        None => read::head_version(&mut conn).await?,
    };
    drop(conn);
    let key = dtrag_llm::api_key(&endpoint.name, api_key)?;

    let t = Instant::now();
    let found = search::run(
        pool,
        &AgentSearch {
            agent: req.agent.clone(),
            query: req.question.clone(),
            k: req.k,
            ..AgentSearch::default()
        },
        embedders,
    )
    .await?;
    let retrieval_ms = t.elapsed().as_secs_f64() * 1e3;
    let context: Vec<Passage> = found
        .hits
        .into_iter()
        .enumerate()
        .map(|(i, h)| Passage {
            n: i + 1,
            document: h.document,
            title: h.title,
            chunk_id: h.chunk_id,
            text: h.text,
        })
        .collect();

    let t = Instant::now();
    let msgs = messages(&req.question, &context);
    let client = dtrag_llm::ChatClient::new(endpoint.endpoint(), &key);
    let answer = tokio::task::spawn_blocking(move || client.complete(&msgs))
        .await
        .map_err(|e| Error::Internal(format!("the chat task failed: {e}")))??;
    let llm_ms = t.elapsed().as_secs_f64() * 1e3;
    Ok(AskAnswer {
        agent: agent.name,
        question: req.question.clone(),
        citations: citations(&answer.content, context.len()),
        answer: answer.content,
        context,
        taxonomy_version,
        cost_usd: endpoint.cost(answer.usage),
        model: if answer.model.is_empty() {
            endpoint.model.clone()
        } else {
            answer.model
        },
        llm: endpoint.name,
        prompt_tokens: answer.usage.prompt_tokens,
        completion_tokens: answer.usage.completion_tokens,
        timings: AskTimings {
            retrieval_ms,
            llm_ms,
            total_ms: started.elapsed().as_secs_f64() * 1e3,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_read_once_in_order_and_in_range() {
        assert_eq!(citations("A [2], B [1][2] and [3, 1].", 3), [2, 1, 3]);
        assert_eq!(
            citations("see [7] or [0] or [x] or [", 3),
            Vec::<usize>::new()
        );
        assert!(citations("no citations", 5).is_empty());
    }

    #[test]
    fn the_prompt_numbers_every_passage() {
        let p = |n: usize| Passage {
            n,
            document: format!("d{n}"),
            title: format!("T{n}"),
            chunk_id: n as i64,
            text: format!("text\n{n}"),
        };
        let m = messages("why?", &[p(1), p(2)]);
        assert_eq!(m[0].role, "system");
        assert!(m[1].content.contains("[1] T1 — text 1\n[2] T2 — text 2\n"));
        assert!(m[1].content.ends_with("Question: why?"));
    }
}
