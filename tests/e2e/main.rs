//! End-to-end scenarios across real hubs and agents (real mutual TLS on loopback, real
//! databases, real `portal-agent` and `portal-hub` processes), as one test binary of modules:
//! one link instead of one per file.

mod hostile_peers;
mod hostile_readers;
mod hub_storage;
