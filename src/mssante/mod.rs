//! The rules of the MSSanté trust space: pure functions, no I/O, no window toolkit.
