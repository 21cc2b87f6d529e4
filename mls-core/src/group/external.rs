//! External joins (§12.4.3.2) and external proposals (§12.1.8).
