//! Placeholder: being written (category registry).
