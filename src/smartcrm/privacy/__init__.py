"""Privacy: what personal data is held and why, a customer's data export and erasure, retention."""
