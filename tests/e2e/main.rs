//! End-to-end scenarios across real hubs and agents (real mutual TLS on loopback, real
//! databases, real `portal-agent` and `portal-hub` processes, a real browser), as one test
//! binary of modules: one link instead of one per file. Each module is a story a user of the
//! federation lives through, and each test is named for what happens in it.

mod accessibility;
mod agent_sending;
mod content_folder;
mod durability;
mod enrollment_and_identity;
mod feeds;
mod hostile_peers;
mod hostile_readers;
mod http_caching;
mod hub_storage;
mod media;
mod operators;
mod pages_in_a_browser;
mod portal;
mod publishing;
mod search;
