//! Placeholder: being written (legacy Vietnamese encodings).
